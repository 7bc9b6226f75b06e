import { type DeliveredEvent, type StoredEvent, toDelivered } from './stored-event';

const INITIAL_SLOTS = 4;

/**
 * A room's recent events, oldest first, in a circular buffer that grows by doubling up to `capacity`: appending
 * and trimming cost O(1), and a room with few events holds a few slots, not `capacity`. Beside each event it
 * keeps the event's delivered form once one is asked for, so the subscribers that read it share one object.
 */
export class EventRing {
  readonly capacity: number;
  private slots: (StoredEvent | undefined)[];
  /** Delivered forms beside `slots`, allocated when the first is asked for (most rooms only deliver their newest). */
  private views: (DeliveredEvent | undefined)[] | undefined;
  private head = 0;
  private count = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, capacity);
    this.slots = new Array(Math.min(INITIAL_SLOTS, this.capacity)).fill(undefined);
  }

  get size(): number {
    return this.count;
  }

  /** The oldest event kept. */
  get oldest(): StoredEvent | undefined {
    return this.count === 0 ? undefined : this.slots[this.head];
  }

  /** Adds the newest event, dropping the oldest when `capacity` events are kept. */
  push(event: StoredEvent): void {
    if (this.count === this.slots.length && this.count < this.capacity) this.grow();
    const length = this.slots.length;
    const slot = (this.head + this.count) % length;
    this.slots[slot] = event;
    if (this.views) this.views[slot] = undefined;
    if (this.count < length) this.count++;
    else this.head = (this.head + 1) % length;
  }

  /** Drops the oldest event. */
  shift(): void {
    if (this.count === 0) return;
    this.slots[this.head] = undefined;
    if (this.views) this.views[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
  }

  /** The kept event with sequence number `seq` (kept events have consecutive numbers), if any. */
  get(seq: number): StoredEvent | undefined {
    const oldest = this.oldest;
    if (!oldest) return undefined;
    const position = seq - oldest.seq;
    if (position < 0 || position >= this.count) return undefined;
    return this.slots[(this.head + position) % this.slots.length];
  }

  /** A kept event's delivered form, built at its first request and kept with it; undefined for an event not kept. */
  delivered(event: StoredEvent): DeliveredEvent | undefined {
    const oldest = this.oldest;
    if (!oldest) return undefined;
    const position = event.seq - oldest.seq;
    if (position < 0 || position >= this.count) return undefined;
    const slot = (this.head + position) % this.slots.length;
    if (this.slots[slot] !== event) return undefined;
    this.views ??= new Array(this.slots.length).fill(undefined);
    let view = this.views[slot];
    if (!view) {
      view = toDelivered(event);
      this.views[slot] = view;
    }
    return view;
  }

  /** The events from position `start` (0 = oldest) to the newest. */
  from(start: number): StoredEvent[] {
    const events: StoredEvent[] = [];
    for (let i = Math.max(0, start); i < this.count; i++) {
      events.push(this.slots[(this.head + i) % this.slots.length] as StoredEvent);
    }
    return events;
  }

  private grow(): void {
    const size = Math.min(this.capacity, this.slots.length * 2);
    const slots: (StoredEvent | undefined)[] = new Array(size).fill(undefined);
    const views = this.views && new Array<DeliveredEvent | undefined>(size).fill(undefined);
    for (let i = 0; i < this.count; i++) {
      const slot = (this.head + i) % this.slots.length;
      slots[i] = this.slots[slot];
      if (views) views[i] = this.views?.[slot];
    }
    this.slots = slots;
    this.views = views;
    this.head = 0;
  }
}
