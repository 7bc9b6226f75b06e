/** Tracks how many emitted messages the subscribers have covered, so emitting can stay a bounded window ahead. */
export class FlowControl {
  private covered = 0;
  private wake: (() => void) | undefined;

  /** Records the load generator's latest count. */
  update(covered: number): void {
    this.covered = covered;
    this.wake?.();
  }

  /** Zeroes the count for a new phase. */
  reset(): void {
    this.covered = 0;
  }

  /** Resolves once fewer than `window` of `emitted` messages are uncovered, or at `deadlineMs` (Date.now() time). */
  async waitForRoom(options: { emitted: number; window: number; deadlineMs: number }): Promise<void> {
    while (options.emitted - this.covered >= options.window && Date.now() < options.deadlineMs) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, options.deadlineMs - Date.now()));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }
}
