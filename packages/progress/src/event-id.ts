import { randomBytes } from 'node:crypto';

/** Where an event stands in its job's history: the history's epoch, and the event's sequence number in it. */
export interface EventPosition {
  epoch: string;
  seq: number;
}

const EVENT_ID = /^([A-Za-z0-9_-]{1,16}):(\d{1,15})$/;

/**
 * An event's id: `<epoch>:<seq>`. Sequence numbers increase strictly within a job's history; the epoch names the
 * history, so an id from a history the log has lost (another epoch) is never mistaken for a position in this one.
 */
export function formatEventId(epoch: string, seq: number): string {
  return `${epoch}:${seq}`;
}

/** The position an event id names, or undefined when the id is absent or not one of ours. */
export function parseEventId(id: string | null | undefined): EventPosition | undefined {
  if (id == null) return undefined;
  const match = EVENT_ID.exec(id);
  return match ? { epoch: match[1] as string, seq: Number(match[2]) } : undefined;
}

/** A new epoch: 8 random base64url characters, for a job whose history starts (or starts again) from nothing. */
export function newEpoch(): string {
  return randomBytes(6).toString('base64url');
}

/** The id of the event after `id` in its history; the first of a new history when `id` is absent or not one of ours. */
export function eventIdAfter(id: string | null | undefined): string {
  const position = parseEventId(id);
  return position ? formatEventId(position.epoch, position.seq + 1) : formatEventId(newEpoch(), 1);
}
