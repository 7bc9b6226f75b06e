/** What a batch runs: an object with a method, so that queueing a long-lived one allocates no callback. */
export interface Batched {
  runBatched(): void;
}

/**
 * Runs what was queued during one task together, in a single microtask: a burst of room wakes costs one
 * microtask, not one per subscription. Items queued while the batch runs run in the same microtask, after the
 * ones already queued (a next round). An item that throws is reported as an uncaught exception after the others
 * have run.
 */
export class MicrotaskBatch {
  private queue: Batched[] = [];
  /** The other of two arrays swapped at each round, so running a round allocates nothing. */
  private spare: Batched[] = [];
  private scheduled = false;

  /** Queues `item` for the end of the current task. */
  add(item: Batched): void {
    this.queue.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    let items = this.queue;
    while (items.length > 0) {
      this.queue = this.spare;
      for (const item of items) {
        try {
          item.runBatched();
        } catch (error) {
          process.nextTick(() => {
            throw error;
          });
        }
      }
      items.length = 0;
      this.spare = items;
      items = this.queue;
    }
    this.scheduled = false;
  };
}
