import type { JobEvent, JobStreamEvent } from '@jobstream/contracts';
import { formatEventId } from './event-id';

/** A job event with its sequence number and the time it was recorded. */
export type StoredEvent = JobEvent & { seq: number; at: number };

/** An event as handed to a subscriber: its wire id and its data (the wire object, without `seq` and `at`). */
export interface DeliveredEvent {
  id: string;
  data: JobStreamEvent;
}

/** A job event numbered and timed for its room; every stored event is made here, so all share one shape. */
export function createStoredEvent(event: JobEvent, seq: number, at: number): StoredEvent {
  return { event: event.event, payload: event.payload, seq, at } as StoredEvent;
}

/** The event as a subscriber receives it when it is not a snapshot. */
export function toDelivered(event: StoredEvent): DeliveredEvent {
  return { id: formatEventId(event.seq), data: { event: event.event, payload: event.payload } as JobStreamEvent };
}

/** True for `upload-completed` and `upload-error`. */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.event !== 'upload-progress';
}
