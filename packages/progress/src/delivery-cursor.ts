import { conflate } from './conflate';
import { parseEventId } from './event-id';
import type { JobRoom } from './job-room';
import type { DeliveryMetrics } from './metrics';
import { type DeliveredEvent, isTerminalEvent, type StoredEvent, toDelivered } from './stored-event';

/** Where a subscriber starts and whether it may skip intermediate progress when behind. */
export interface CursorOptions {
  /** The id of the last event the subscriber received, to resume after it. */
  lastEventId?: string | null;
  /** Skip intermediate progress events recorded while the subscriber had to wait (default true). */
  conflate?: boolean;
}

/** The counters a cursor adds to. */
export type DeliveryCounters = Pick<DeliveryMetrics, 'eventsDelivered' | 'eventsConflated' | 'snapshotsSent'>;

const NOTHING: readonly DeliveredEvent[] = [];

/** `delivered` flagged as the job's current state, and as standing for missed events when they were. */
export function asSnapshot(delivered: DeliveredEvent, missed: boolean): DeliveredEvent {
  const data = { ...delivered.data, snapshot: true as const, ...(missed ? { missed: true as const } : {}) };
  return { id: delivered.id, data, at: delivered.at };
}

/** What a cursor sends to catch up at once. */
interface Batch {
  events: readonly StoredEvent[];
  /** The events are the job's current state standing in for history. */
  snapshot: boolean;
  /** Events after the subscriber's position had left the history (or its position was in another epoch). */
  missed: boolean;
  /** Progress events skipped. */
  conflated: number;
}

const EMPTY: Batch = { events: [], snapshot: false, missed: false, conflated: 0 };

/**
 * A subscriber's position in a job's room: what it receives next. A new subscriber gets the current state first,
 * flagged `snapshot`; a resuming one exactly the events after its `lastEventId` (or, when they have left the history
 * or the id is from another epoch, the current state flagged `snapshot` and `missed`); then every later event one
 * at a time, ending with the terminal event. Events recorded while the subscriber had to wait (see `waited`) are
 * conflated to the newest progress of each status run. A cursor at or past an ended job's terminal event is done
 * at once.
 */
export class DeliveryCursor {
  /** The terminal event has been taken, or was already behind the subscriber: the subscription is over. */
  done = false;
  /** The sequence number of the last event taken, in `epoch`; undefined until the first take of a new subscriber. */
  private seq: number | undefined;
  /** The room's epoch when the cursor last looked: a room that restarted in another one makes `seq` meaningless. */
  private epoch: string;
  /** Resuming: the first take fixes `exactUntil`. */
  private resuming: boolean;
  /** Events up to this sequence number (a resume's replay) are sent exactly, however long the subscriber waits. */
  private exactUntil = 0;
  /** Events after this sequence number and up to `behindUntil` were recorded while the subscriber had to wait. */
  private behindFrom = 0;
  /** See `behindFrom`: such events may be conflated. */
  private behindUntil = 0;
  /** The subscriber gave an id this room cannot resume from: its first snapshot stands for missed events. */
  private missedOnResume: boolean;
  private readonly conflate: boolean;

  constructor(
    private readonly room: JobRoom,
    private readonly counters: DeliveryCounters,
    options: CursorOptions = {},
  ) {
    const position = parseEventId(options.lastEventId);
    const resumable = position !== undefined && position.epoch === room.epoch;
    this.seq = resumable ? position.seq : undefined;
    this.epoch = room.epoch;
    this.resuming = resumable;
    this.missedOnResume = options.lastEventId != null && !resumable;
    this.conflate = options.conflate ?? true;
  }

  /** The subscriber has every event the room holds (or its stream is over): wait for the next append. */
  get caughtUp(): boolean {
    return this.done || (this.seq === this.room.seq && this.epoch === this.room.epoch);
  }

  /**
   * The subscriber had to wait (its connection was full, or it had not pulled) from the moment the room's newest
   * event was `from` until now: what was pending before that is still sent exactly, what was recorded since may be
   * conflated.
   */
  waited(from: number): void {
    // A wait while the events of an earlier one are still to be sent extends it: they stay conflatable.
    const earlierPending = this.seq !== undefined && this.seq < this.behindUntil;
    if (!earlierPending) this.behindFrom = from;
    this.behindUntil = this.room.seq;
  }

  /**
   * The events to send now, in order, advancing past them; empty when the subscriber is up to date. Normally the
   * next event alone; events recorded while it waited come as one conflated batch. The array is the caller's.
   */
  take(): readonly DeliveredEvent[] {
    if (this.done) return NOTHING;
    const { room } = this;
    if (this.epoch !== room.epoch) this.restartedIn(room.epoch);
    if (!this.resuming && this.seq === room.seq - 1) {
      // Up to date but for the newest event, which the history always holds: no gap, nothing to conflate.
      return this.takeOne(room.latest as StoredEvent);
    }
    return this.catchUp();
  }

  /** The room restarted in a new epoch: the subscriber's position is lost, so it gets the current state, flagged missed. */
  private restartedIn(epoch: string): void {
    this.epoch = epoch;
    this.seq = undefined;
    this.resuming = false;
    this.missedOnResume = true;
    this.exactUntil = 0;
    this.behindFrom = 0;
    this.behindUntil = 0;
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

  private catchUp(): readonly DeliveredEvent[] {
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
    const exact = seq !== undefined && (seq < this.exactUntil || seq < this.behindFrom || seq >= this.behindUntil);
    if (seq !== undefined && (!this.conflate || exact)) {
      const event = room.eventAfter(seq);
      if (event) return this.takeOne(event);
    }
    const batch = this.read(seq);
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

  /**
   * What a subscriber at `seq` (undefined: a new one) should receive to catch up at once: the current state for a
   * new subscriber or when the events after `seq` left the history, else those events conflated.
   */
  private read(seq: number | undefined): Batch {
    const { room } = this;
    const latest = room.latest;
    if (!latest) return EMPTY;
    if (seq === undefined) return { events: [latest], snapshot: true, missed: false, conflated: 0 };
    if (seq === room.seq) return EMPTY;
    const pending = room.eventsAfter(seq);
    if (!pending) return this.gapSnapshot(seq);
    if (pending.length === 1) return { events: pending, snapshot: false, missed: false, conflated: 0 };
    const events = conflate(pending);
    return { events, snapshot: false, missed: false, conflated: pending.length - events.length };
  }

  /** The current state for a subscriber whose next events left the history: the last progress, then the terminal event. */
  private gapSnapshot(seq: number): Batch {
    const { room } = this;
    const latest = room.latest as StoredEvent;
    const progress = room.lastProgress;
    const events =
      progress && progress !== latest && progress.seq > seq && seq <= room.seq ? [progress, latest] : [latest];
    return { events, snapshot: true, missed: true, conflated: Math.max(0, room.seq - seq - events.length) };
  }
}
