import type { StoredEvent } from './stored-event';

const INITIAL_SLOTS = 4;

/**
 * A room's recent events, oldest first, in a circular buffer that grows by doubling up to `capacity`: appending
 * and trimming cost O(1), and a room with few events holds a few slots, not `capacity`.
 */
export class EventRing {
  readonly capacity: number;
  private slots: (StoredEvent | undefined)[];
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
    this.slots[(this.head + this.count) % length] = event;
    if (this.count < length) this.count++;
    else this.head = (this.head + 1) % length;
  }

  /** Drops the oldest event. */
  shift(): void {
    if (this.count === 0) return;
    this.slots[this.head] = undefined;
    this.head = (this.head + 1) % this.slots.length;
    this.count--;
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
    const next: (StoredEvent | undefined)[] = new Array(Math.min(this.capacity, this.slots.length * 2)).fill(undefined);
    for (let i = 0; i < this.count; i++) next[i] = this.slots[(this.head + i) % this.slots.length];
    this.slots = next;
    this.head = 0;
  }
}
