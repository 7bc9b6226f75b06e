/**
 * Runs callbacks queued during one task together, in a single microtask: a burst of room wakes costs one
 * microtask, not one per subscription. A callback that throws is reported as an uncaught exception after the
 * others have run.
 */
export class MicrotaskBatch {
  private queue: Array<() => void> = [];
  private scheduled = false;

  /** Queues `callback` for the end of the current task. */
  add(callback: () => void): void {
    this.queue.push(callback);
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(this.run);
  }

  private readonly run = (): void => {
    this.scheduled = false;
    const callbacks = this.queue;
    this.queue = [];
    for (const callback of callbacks) {
      try {
        callback();
      } catch (error) {
        process.nextTick(() => {
          throw error;
        });
      }
    }
  };
}
