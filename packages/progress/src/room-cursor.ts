import { parseEventId } from './event-id';
import type { JobRoom } from './job-room';
import type { ProgressMetrics } from './metrics';
import { type DeliveredEvent, isTerminalEvent, type StoredEvent } from './stored-event';

/** Where a subscriber starts and whether it may skip intermediate progress when behind. */
export interface CursorOptions {
  /** The id of the last event the subscriber received, to resume after it. */
  lastEventId?: string | null;
  /** Skip intermediate progress events when the subscriber falls behind (default true). */
  conflate?: boolean;
}

type Counters = Pick<ProgressMetrics, 'eventsDelivered' | 'eventsConflated' | 'snapshotsSent'>;

const NOTHING: readonly DeliveredEvent[] = [];

/** `delivered` flagged as the job's current state, and as standing for missed events when they were. */
export function asSnapshot(delivered: DeliveredEvent, missed: boolean): DeliveredEvent {
  return { id: delivered.id, data: { ...delivered.data, snapshot: true, ...(missed ? { missed: true } : {}) } };
}

/**
 * A subscriber's position in a job's room: what it should receive next — the current state first (or exactly
 * what followed `lastEventId`), then later events, conflated when it is behind, ending with the terminal event.
 */
export class RoomCursor {
  /** The terminal event has been taken: the subscription is over. */
  done = false;
  private seq: number | undefined;
  private exact: boolean;
  private missedOnResume: boolean;
  private readonly conflate: boolean;
  /** What `take` returns for the common case, one new event: reused, as each take's result is read before the next. */
  private readonly next: DeliveredEvent[] = [];

  constructor(
    private readonly room: JobRoom,
    private readonly counters: Counters,
    options: CursorOptions = {},
  ) {
    this.seq = parseEventId(options.lastEventId);
    this.exact = this.seq !== undefined;
    this.missedOnResume = options.lastEventId != null && this.seq === undefined;
    this.conflate = options.conflate ?? true;
  }

  /**
   * The events to send now, in order, advancing past them; empty when the subscriber is up to date. The array
   * is valid until the next call.
   */
  take(): readonly DeliveredEvent[] {
    if (this.done) return NOTHING;
    const { room } = this;
    if (!this.exact && this.seq === room.seq - 1) {
      // Up to date but for the newest event, which the history always holds: no gap, nothing to conflate.
      const event = room.latest as StoredEvent;
      this.seq = event.seq;
      this.done = isTerminalEvent(event);
      this.counters.eventsDelivered++;
      this.next[0] = room.delivered(event);
      return this.next;
    }
    const batch = this.room.read(this.seq, this.conflate && !this.exact);
    this.exact = false;
    if (batch.events.length === 0) return NOTHING;
    this.counters.eventsConflated += batch.conflated;
    if (batch.snapshot) this.counters.snapshotsSent++;
    const delivered: DeliveredEvent[] = [];
    for (const event of batch.events) {
      this.seq = event.seq;
      const plain = this.room.delivered(event);
      delivered.push(batch.snapshot ? asSnapshot(plain, batch.missed || this.missedOnResume) : plain);
      this.missedOnResume = false;
      if (isTerminalEvent(event)) {
        this.done = true;
        break;
      }
    }
    this.counters.eventsDelivered += delivered.length;
    return delivered;
  }
}
