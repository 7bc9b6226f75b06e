import type { JobEvent, JobStreamEvent } from '@jobstream/contracts';

/** A job event with its sequence number and the time it was recorded. */
export type StoredEvent = JobEvent & { seq: number; at: number };

/** A stored event as handed to a subscriber, with its wire id. */
export type DeliveredEvent = JobStreamEvent & { id: string };

/** True for `upload-completed` and `upload-error`. */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.event !== 'upload-progress';
}
