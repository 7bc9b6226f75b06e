import type { JobEvent, JobStreamEvent } from '@jobstream/contracts';

/** A job event with its sequence number and the time it was recorded. */
export type StoredEvent = JobEvent & { seq: number; at: number };

/** An event as handed to a subscriber: its wire id and its data, one object shared by every subscriber of the event. */
export interface DeliveredEvent {
  id: string;
  data: JobStreamEvent;
}

const shared = new WeakMap<StoredEvent, JobStreamEvent>();

/** The event's wire data, created once per event so that every subscriber (and serializer cache) sees the same object. */
export function wireData(event: StoredEvent): JobStreamEvent {
  let data = shared.get(event);
  if (!data) {
    data = { event: event.event, payload: event.payload } as JobStreamEvent;
    shared.set(event, data);
  }
  return data;
}

/** True for `upload-completed` and `upload-error`. */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.event !== 'upload-progress';
}
