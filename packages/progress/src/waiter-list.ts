function nothing(): void {}

/**
 * A subscriber waiting for a room's next event: one object for the subscription's whole life, linked into the
 * room's list in place, so waiting and waking allocate nothing (a busy room wakes its waiters at every event). A
 * long-lived waiter extends it and overrides `wake`, so that its waiting costs no object of its own.
 */
export class Waiter {
  /** The list it waits in, if any. */
  list: WaiterList | undefined = undefined;
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  /** The next waiter to wake while its list wakes them all. */
  wakeNext: Waiter | undefined = undefined;

  constructor(private readonly onWake: () => void = nothing) {}

  /** Called once at the next event of the room it waits in. */
  wake(): void {
    this.onWake();
  }
}

/**
 * The waiters of one room, each woken once at its next event. A wake may add or remove waiters (they go to the
 * emptied list, for the next event); it must not record an event in the same room.
 */
export class WaiterList {
  private head: Waiter | undefined;
  private tail: Waiter | undefined;
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** Adds `waiter` (a no-op if it already waits here; it leaves any other list it waits in). */
  add(waiter: Waiter): void {
    if (waiter.list === this) return;
    waiter.list?.remove(waiter);
    waiter.list = this;
    waiter.prev = this.tail;
    waiter.next = undefined;
    if (this.tail) this.tail.next = waiter;
    else this.head = waiter;
    this.tail = waiter;
    this.count++;
  }

  /** Removes `waiter` if it waits here. */
  remove(waiter: Waiter): void {
    if (waiter.list !== this) return;
    if (waiter.prev) waiter.prev.next = waiter.next;
    else this.head = waiter.next;
    if (waiter.next) waiter.next.prev = waiter.prev;
    else this.tail = waiter.prev;
    waiter.list = waiter.prev = waiter.next = undefined;
    this.count--;
  }

  /** Empties the list, then wakes every waiter it held, oldest first. */
  wakeAll(): void {
    const first = this.head;
    this.head = this.tail = undefined;
    this.count = 0;
    for (let waiter = first; waiter; ) {
      const next = waiter.next;
      waiter.wakeNext = next;
      waiter.list = waiter.prev = waiter.next = undefined;
      waiter = next;
    }
    for (let waiter = first; waiter; ) {
      const next = waiter.wakeNext;
      waiter.wakeNext = undefined;
      waiter.wake();
      waiter = next;
    }
  }
}
