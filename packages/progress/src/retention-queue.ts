/** Timers can fire up to a millisecond before the high-resolution clock says their delay has passed. */
const TIMER_SLACK_MS = 1;

/** Compacts the queue once this many entries at its front are done and they are at least half of it. */
const COMPACT_AFTER = 1024;

/**
 * Items that become due a fixed delay after they are added, in the order they were added: one timer for all,
 * armed for the oldest, instead of a timer object per item (jobs often end in bursts, and each ended room waits
 * the whole retention). Due times are on the monotonic clock timers run on, not on the registry's clock.
 */
export class RetentionQueue<T> implements Disposable {
  private items: (T | undefined)[] = [];
  private dueAt: number[] = [];
  private head = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly delayMs: number,
    private readonly onDue: (item: T) => void,
  ) {}

  /** Items not yet due. */
  get size(): number {
    return this.items.length - this.head;
  }

  /** Calls `onDue(item)` once `delayMs` has passed (at once, before returning, for a delay of 0). */
  add(item: T): void {
    if (this.delayMs <= 0) {
      this.onDue(item);
      return;
    }
    this.items.push(item);
    this.dueAt.push(performance.now() + this.delayMs);
    if (!this.timer) this.arm();
  }

  /** Cancels every pending item. */
  [Symbol.dispose](): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.items = [];
    this.dueAt = [];
    this.head = 0;
  }

  private arm(): void {
    const dueAt = this.dueAt[this.head] as number;
    this.timer = setTimeout(this.fire, Math.max(0, dueAt - performance.now()));
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    const now = performance.now() + TIMER_SLACK_MS;
    while (this.head < this.items.length && (this.dueAt[this.head] as number) <= now) {
      const item = this.items[this.head] as T;
      this.items[this.head] = undefined;
      this.head++;
      this.onDue(item);
    }
    this.compact();
    if (this.head < this.items.length && !this.timer) this.arm();
  };

  private compact(): void {
    if (this.head === this.items.length) {
      this.items = [];
      this.dueAt = [];
      this.head = 0;
    } else if (this.head >= COMPACT_AFTER && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head);
      this.dueAt.splice(0, this.head);
      this.head = 0;
    }
  }
}
