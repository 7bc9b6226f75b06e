import { EventRing } from './event-ring';
import { isTerminalEvent, type StoredEvent } from './stored-event';
import { type Waiter, WaiterList } from './waiter-list';

/** Bounds of a job's history. */
export interface HistoryLimits {
  /** Most events kept for resume. */
  maxEvents: number;
  /** Oldest event age kept for resume, in ms. */
  maxAgeMs: number;
}

/**
 * One job's events as a log holds them in this process: its current state, the newest progress event (kept after
 * the terminal one, so a lagging subscriber still sees the final counts), a history bounded by count and age, and
 * the subscribers waiting for its next event. Storage only: what a subscriber receives is the cursor's business.
 */
export class JobRoom {
  /** Sequence number of the newest event (0 before the first). */
  seq = 0;
  /** The job's newest event: its current state. */
  latest: StoredEvent | undefined;
  /** The newest progress event. */
  lastProgress: StoredEvent | undefined;
  /** Subscriptions reading this room. */
  members = 0;
  /** When the terminal event was recorded. */
  endedAt: number | undefined;
  /** The job ended and its retention has passed: the room goes as soon as no one is in it. */
  expired = false;
  private history: EventRing;
  private readonly waiters = new WaiterList();

  constructor(
    readonly jobId: string,
    private currentEpoch: string,
    private readonly limits: HistoryLimits,
    /** The clock event times are on, for the age limit. */
    private readonly now: () => number = Date.now,
  ) {
    this.history = new EventRing(limits.maxEvents);
  }

  /** The epoch of this history: every event id in the room carries it. */
  get epoch(): string {
    return this.currentEpoch;
  }

  /**
   * Starts the room over in a new epoch, for a log that lost the job's history and now holds a new one: state and
   * history are cleared, the new history's events follow through `append`, and each subscriber, at its next take,
   * receives the current state flagged as standing for missed events.
   */
  restart(epoch: string): void {
    this.currentEpoch = epoch;
    this.seq = 0;
    this.latest = undefined;
    this.lastProgress = undefined;
    this.endedAt = undefined;
    this.history = new EventRing(this.limits.maxEvents);
  }

  /** Number of pending waits, for leak checks. */
  get listenerCount(): number {
    return this.waiters.size;
  }

  get ended(): boolean {
    return this.endedAt !== undefined;
  }

  /** Records the next event (already validated and numbered) and wakes every waiting subscriber. */
  append(event: StoredEvent): void {
    this.seq = event.seq;
    this.latest = event;
    if (isTerminalEvent(event)) this.endedAt = event.at;
    else this.lastProgress = event;
    this.history.push(event);
    this.trim(event.at);
    this.waiters.wakeAll();
  }

  /** The event right after `seq`, while the history (bounded by count and age) still holds it. */
  eventAfter(seq: number): StoredEvent | undefined {
    if (seq >= this.seq) return undefined;
    if (seq + 1 < this.seq) this.trim(this.now());
    return this.history.get(seq + 1);
  }

  /** Every event after `seq` up to the newest, or undefined when some of them have left the history. */
  eventsAfter(seq: number): StoredEvent[] | undefined {
    this.trim(this.now());
    const oldest = this.history.oldest;
    if (seq > this.seq || !oldest || oldest.seq > seq + 1) return undefined;
    return this.history.from(seq + 1 - oldest.seq);
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
