import type { JobEvent, JobStreamEvent } from '@jobstream/contracts';
import { formatEventId } from './event-id';

/** A job event with its sequence number and the time it was recorded. */
export type StoredEvent = JobEvent & { seq: number; at: number };

/** An event as handed to a subscriber: its wire id and its data, one object shared by every subscriber of the event. */
export interface DeliveredEvent {
  id: string;
  data: JobStreamEvent;
}

const SHARED = Symbol('jobstream.sharedDelivery');

type WithShared = StoredEvent & { [SHARED]: DeliveredEvent | undefined };

/** A job event numbered and timed for its room; every stored event is made here, so all share one shape. */
export function createStoredEvent(event: JobEvent, seq: number, at: number): StoredEvent {
  const stored: WithShared = { event: event.event, payload: event.payload, seq, at, [SHARED]: undefined } as WithShared;
  return stored;
}

/**
 * The event as every subscriber that is not sent a snapshot receives it: built once per event, so that all of
 * them (and any serializer cache keyed on it) share one object. Kept on the event under a symbol key (which
 * JSON and structured clone ignore) that `createStoredEvent` reserves.
 */
export function sharedDelivery(event: StoredEvent): DeliveredEvent {
  const holder = event as WithShared;
  let delivered = holder[SHARED];
  if (!delivered) {
    delivered = {
      id: formatEventId(event.seq),
      data: { event: event.event, payload: event.payload } as JobStreamEvent,
    };
    holder[SHARED] = delivered;
  }
  return delivered;
}

/** True for `upload-completed` and `upload-error`. */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.event !== 'upload-progress';
}
