import type { JobEvent, JobStreamEvent } from '@jobstream/contracts';
import { formatEventId } from './event-id';

/** A job event as a log holds it: its id, its sequence number in its epoch, and when it was recorded. */
export type StoredEvent = JobEvent & { id: string; seq: number; at: number };

/** An event as handed to a subscriber: its wire id and its data (the wire object, without `seq`). */
export interface DeliveredEvent {
  id: string;
  data: JobStreamEvent;
  /** When the event was recorded (its `StoredEvent.at`): transports measure emit-to-send latency from it. */
  at: number;
}

/** A job event numbered and timed in its epoch; every stored event is made here, so all share one shape. */
export function createStoredEvent(event: JobEvent, epoch: string, seq: number, at: number): StoredEvent {
  return { event: event.event, payload: event.payload, id: formatEventId(epoch, seq), seq, at } as StoredEvent;
}

/** The event as a subscriber receives it when it is not a snapshot. */
export function toDelivered(event: StoredEvent): DeliveredEvent {
  return { id: event.id, data: { event: event.event, payload: event.payload } as JobStreamEvent, at: event.at };
}

/** True for `upload-completed` and `upload-error`. */
export function isTerminalEvent(event: JobEvent): boolean {
  return event.event !== 'upload-progress';
}
