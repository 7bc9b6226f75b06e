import { type JobEvent, WebSocketEvents } from '@jobstream/contracts';
import { createStoredEvent, type StoredEvent } from '@jobstream/progress';

/**
 * An event as the stream stores it: `[event name, payload without its jobId, time]`. The job id is the stream's
 * (every payload of a job carries it, the log checks that), the id the entry's (`<seq>-0`) and the epoch the meta
 * hash's. An array rather than an object, and no job id, because the ring keeps 256 of these per job: the keys and
 * the id were a quarter of each entry.
 */
type EncodedEvent = [event: JobEvent['event'], payload: Record<string, unknown>, at: number];

/**
 * Each event name to its constant: `JSON.parse` gives every decoded name a string of its own (32 B), which a room keeps
 * with each event of its history; the constant is one string for all.
 */
const EVENT_NAMES = new Map<string, JobEvent['event']>([
  [WebSocketEvents.UPLOAD_PROGRESS, WebSocketEvents.UPLOAD_PROGRESS],
  [WebSocketEvents.UPLOAD_COMPLETED, WebSocketEvents.UPLOAD_COMPLETED],
  [WebSocketEvents.UPLOAD_ERROR, WebSocketEvents.UPLOAD_ERROR],
]);

/** The stream field of an event of job `event.payload.jobId`. */
export function encodeEvent(event: JobEvent, at: number): string {
  const { jobId: _jobId, ...rest } = event.payload;
  const encoded: EncodedEvent = [event.event, rest, at];
  return JSON.stringify(encoded);
}

/** A stored event of `jobId` from its stream field, epoch and sequence number. */
export function decodeEvent(jobId: string, field: string, epoch: string, seq: number): StoredEvent {
  const [event, rest, at] = JSON.parse(field) as EncodedEvent;
  const name = EVENT_NAMES.get(event) ?? event;
  return createStoredEvent({ event: name, payload: { jobId, ...rest } } as JobEvent, epoch, seq, at);
}

/** A published notification: `<epoch>:<seq> <stream field>`. */
export interface Notification {
  epoch: string;
  seq: number;
  field: string;
}

/** Reads a notification; undefined for a message that is not one. */
export function parseNotification(message: string): Notification | undefined {
  const space = message.indexOf(' ');
  const colon = message.indexOf(':');
  if (space < 0 || colon < 0 || colon > space) return undefined;
  const seq = Number(message.slice(colon + 1, space));
  if (!Number.isSafeInteger(seq) || seq < 1) return undefined;
  return { epoch: message.slice(0, colon), seq, field: message.slice(space + 1) };
}

/** The sequence number of a stream entry id (`<seq>-0`). */
export function seqOfEntry(id: string): number {
  return Number(id.slice(0, id.indexOf('-')));
}
