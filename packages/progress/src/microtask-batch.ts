/**
 * Runs callbacks queued during one task together, in a single microtask: a burst of room wakes costs one
 * microtask, not one per subscription. Callbacks queued while the batch runs run in the same microtask, after
 * the ones already queued (a next round). A callback that throws is reported as an uncaught exception after the
 * others have run.
 */
export class MicrotaskBatch {
  private queue: Array<() => void> = [];
  /** The other of two arrays swapped at each round, so running a round allocates nothing. */
  private spare: Array<() => void> = [];
  private scheduled = false;

  /** Queues `callback` for the end of the current task. */
  add(callback: () => void): void {
    this.queue.push(callback);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    let callbacks = this.queue;
    while (callbacks.length > 0) {
      this.queue = this.spare;
      for (const callback of callbacks) {
        try {
          callback();
        } catch (error) {
          process.nextTick(() => {
            throw error;
          });
        }
      }
      callbacks.length = 0;
      this.spare = callbacks;
      callbacks = this.queue;
    }
    this.scheduled = false;
  };
}
