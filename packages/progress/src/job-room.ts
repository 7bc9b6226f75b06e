import { conflate } from './conflate';
import { EventRing } from './event-ring';
import { isTerminalEvent, type StoredEvent } from './stored-event';
import { type Waiter, WaiterList } from './waiter-list';

/** Bounds of a room's history. */
export interface HistoryLimits {
  /** Most events kept for resume. */
  maxEvents: number;
  /** Oldest event age kept for resume, in ms. */
  maxAgeMs: number;
}

/** What a subscriber at `cursor` should receive to catch up at once. */
export interface ReadResult {
  events: StoredEvent[];
  /** The events are the job's current state standing in for history. */
  snapshot: boolean;
  /** Events after the cursor had left the history. */
  missed: boolean;
  /** Progress events skipped by conflation. */
  conflated: number;
}

const EMPTY: ReadResult = { events: [], snapshot: false, missed: false, conflated: 0 };

/** One job's room: its latest state, sticky terminal event, bounded history, and the subscribers waiting on it. */
export class JobRoom {
  /** Sequence number of the newest event. */
  seq = 0;
  /** The job's newest event: its current state. */
  latest: StoredEvent | undefined;
  /** The newest progress event, kept after the terminal one so a lagging subscriber still sees the final counts. */
  lastProgress: StoredEvent | undefined;
  /** Members currently subscribed. */
  members = 0;
  /** When the terminal event was recorded. */
  endedAt: number | undefined;
  /** The job ended and its retention has passed: the room goes as soon as no one is in it. */
  expired = false;
  private readonly history: EventRing;
  private readonly waiters = new WaiterList();

  constructor(
    readonly jobId: string,
    private readonly limits: HistoryLimits,
    /** The clock event times are on, for the age limit. */
    private readonly now: () => number = Date.now,
  ) {
    this.history = new EventRing(limits.maxEvents);
  }

  /** Number of pending waits, for leak checks. */
  get listenerCount(): number {
    return this.waiters.size;
  }

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** Records an event (already validated and numbered) and wakes every waiting subscriber. */
  append(event: StoredEvent): void {
    this.seq = event.seq;
    this.latest = event;
    if (isTerminalEvent(event)) this.endedAt = event.at;
    else this.lastProgress = event;
    this.history.push(event);
    this.trim(event.at);
    this.waiters.wakeAll();
  }

  /** The event right after `cursor`, while the history (bounded by count and age) still holds it. */
  eventAfter(cursor: number): StoredEvent | undefined {
    if (cursor >= this.seq) return undefined;
    if (cursor + 1 < this.seq) this.trim(this.now());
    return this.history.get(cursor + 1);
  }

  /**
   * What a subscriber at `cursor` (undefined: a new subscriber) should receive to catch up at once: the current
   * state for a new subscriber or when the events after `cursor` left the history, else those events conflated.
   */
  read(cursor: number | undefined): ReadResult {
    const latest = this.latest;
    if (!latest) return EMPTY;
    if (cursor === undefined) return { events: [latest], snapshot: true, missed: false, conflated: 0 };
    if (cursor === this.seq) return EMPTY;
    this.trim(this.now());
    const oldest = this.history.oldest;
    if (cursor > this.seq || !oldest || oldest.seq > cursor + 1) return this.gapSnapshot(cursor);
    const pending = this.history.from(cursor + 1 - oldest.seq);
    if (pending.length === 1) return { events: pending, snapshot: false, missed: false, conflated: 0 };
    const events = conflate(pending);
    return { events, snapshot: false, missed: false, conflated: pending.length - events.length };
  }

  /** The current state for a subscriber whose next events left the history: the last progress, then the terminal event. */
  private gapSnapshot(cursor: number): ReadResult {
    const latest = this.latest as StoredEvent;
    const progress = this.lastProgress;
    const events =
      progress && progress !== latest && progress.seq > cursor && cursor <= this.seq ? [progress, latest] : [latest];
    return { events, snapshot: true, missed: true, conflated: Math.max(0, this.seq - cursor - events.length) };
  }

  /** Calls `waiter.wake` once, at the next append. */
  addWaiter(waiter: Waiter): void {
    this.waiters.add(waiter);
  }

  /** Forgets a waiter that no longer waits. */
  removeWaiter(waiter: Waiter): void {
    this.waiters.remove(waiter);
  }

  /** Drops events older than the age limit as of `now`, always keeping the newest (the count limit is the ring's size). */
  private trim(now: number): void {
    const oldestKept = now - this.limits.maxAgeMs;
    while (this.history.size > 1 && (this.history.oldest as StoredEvent).at < oldestKept) this.history.shift();
  }
}
