import type { JobEvent } from '@jobstream/contracts';
import { createStoredEvent, type StoredEvent } from '@jobstream/progress';

/** An event as the stream stores it: what the id does not already say. */
interface EncodedEvent {
  event: JobEvent['event'];
  payload: JobEvent['payload'];
  at: number;
}

/** The stream field of an event (its id is the entry's: `<seq>-0`, and the epoch is the meta hash's). */
export function encodeEvent(event: JobEvent, at: number): string {
  const encoded: EncodedEvent = { event: event.event, payload: event.payload, at };
  return JSON.stringify(encoded);
}

/** A stored event from its stream field, epoch and sequence number. */
export function decodeEvent(field: string, epoch: string, seq: number): StoredEvent {
  const { event, payload, at } = JSON.parse(field) as EncodedEvent;
  return createStoredEvent({ event, payload } as JobEvent, epoch, seq, at);
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
