import { parseEventId } from './event-id';
import type { JobRoom } from './job-room';
import type { ProgressMetrics } from './metrics';
import { type DeliveredEvent, isTerminalEvent, type StoredEvent, toDelivered } from './stored-event';

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
 * what followed `lastEventId`), then every later event one at a time, conflated only when its transport says it
 * fell behind, ending with the terminal event. A cursor at or past an ended job's terminal event is done at once.
 */
export class RoomCursor {
  /** The terminal event has been taken, or was already behind the subscriber: the subscription is over. */
  done = false;
  private seq: number | undefined;
  /** Resuming: the first take fixes `exactUntil`. */
  private resuming: boolean;
  /** Events up to this sequence number (a resume's replay) are sent exactly, however far behind the subscriber is. */
  private exactUntil = 0;
  /** Events up to this sequence number were recorded while the subscriber could not take them: they may be conflated. */
  private behindUntil = 0;
  private missedOnResume: boolean;
  private readonly conflate: boolean;

  constructor(
    private readonly room: JobRoom,
    private readonly counters: Counters,
    options: CursorOptions = {},
  ) {
    this.seq = parseEventId(options.lastEventId);
    this.resuming = this.seq !== undefined;
    this.missedOnResume = options.lastEventId != null && this.seq === undefined;
    this.conflate = options.conflate ?? true;
  }

  /** The subscriber has every event the room holds (or its stream is over): wait for the next append. */
  get caughtUp(): boolean {
    return this.done || this.seq === this.room.seq;
  }

  /**
   * The events to send now, in order, advancing past them; empty when the subscriber is up to date. Normally the
   * next event alone; after a take told `behind` (the subscriber could not take the events recorded until now),
   * those events are conflated to the newest progress of each status run, except within a resume's replay. The
   * array is the caller's.
   */
  take(behind = false): readonly DeliveredEvent[] {
    if (this.done) return NOTHING;
    const { room } = this;
    if (!this.resuming && this.seq === room.seq - 1) {
      // Up to date but for the newest event, which the history always holds: no gap, nothing to conflate.
      return this.takeOne(room.latest as StoredEvent);
    }
    return this.catchUp(behind);
  }

  /** Advances past `event` alone, the next one in order. */
  private takeOne(event: StoredEvent): readonly DeliveredEvent[] {
    this.seq = event.seq;
    this.done = isTerminalEvent(event);
    this.counters.eventsDelivered++;
    // A new array and delivered form per take, not kept ones: what a subscriber keeps between events stays alive
    // across young-generation collections, and copying it is what makes them long.
    return [toDelivered(event)];
  }

  private catchUp(behind: boolean): readonly DeliveredEvent[] {
    const { room } = this;
    const seq = this.seq;
    if (this.resuming) {
      this.resuming = false;
      this.exactUntil = room.seq;
    }
    if (seq !== undefined && seq >= room.seq && (seq === room.seq || room.ended)) {
      // Nothing after it; past an ended job's terminal event nothing will ever come.
      this.done = room.ended;
      return NOTHING;
    }
    if (behind) this.behindUntil = room.seq;
    if (seq !== undefined && (!this.conflate || seq < this.exactUntil || seq >= this.behindUntil)) {
      const event = room.eventAfter(seq);
      if (event) return this.takeOne(event);
    }
    const batch = room.read(seq);
    if (batch.events.length === 0) return NOTHING;
    this.counters.eventsConflated += batch.conflated;
    if (batch.snapshot) this.counters.snapshotsSent++;
    const delivered: DeliveredEvent[] = [];
    for (const event of batch.events) {
      this.seq = event.seq;
      const plain = toDelivered(event);
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
