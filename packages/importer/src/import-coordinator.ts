/** One of an owner's import slots: held from the start of an upload until its import ends. */
export interface ImportSlot {
  /** Gives the slot back (once; later calls do nothing). */
  release(): void;
}

/** This instance's claim on a running import: renewed by the coordinator until released. */
export interface ImportLease {
  /** Gives the claim up (once; later calls do nothing). */
  release(): Promise<void>;
}

/** The coordinator could not be reached (Redis away): nothing was claimed or asked; try again later. */
export class CoordinatorUnavailableError extends Error {
  override readonly name = 'CoordinatorUnavailableError';
}

/**
 * Who runs which import. One process needs no more than counts in memory (`LocalImportCoordinator`); several
 * instances share them through Redis (`RedisImportCoordinator` in `@jobstream/redis`), so a session's import limit,
 * a cancel and the end of an import whose instance died hold across all of them. A call that cannot reach what it
 * coordinates through rejects with `CoordinatorUnavailableError`.
 */
export interface ImportCoordinator {
  /** Takes one of `owner`'s `max` slots; undefined when all are taken. */
  reserve(owner: string, max: number): Promise<ImportSlot | undefined>;
  /**
   * Claims `jobId` for this instance while it runs the import. `onLost` is called if another instance took the job
   * over because this one stopped renewing its claim (it was presumed dead): the import must stop without
   * reporting an end, which the other instance has reported.
   */
  lease(jobId: string, onLost: () => void): Promise<ImportLease>;
  /** Asks the instance running `jobId` (not this one) to cancel it; resolves true when one was asked. */
  requestCancel(jobId: string): Promise<boolean>;
  /** What this instance does when another asks it to cancel one of its imports. */
  onCancelRequest(handler: (jobId: string) => void): void;
  /**
   * The jobs among `jobIds` (recorded as running) whose instance stopped renewing their claim, each returned to
   * exactly one caller across instances, which then reports their end.
   */
  claimLapsed(jobIds: readonly string[]): Promise<string[]>;
  /** Stops renewing; the claims still held lapse. */
  close(): Promise<void>;
}

/** The coordinator of one process: slots counted in memory; every import runs here, so nothing else is needed. */
export class LocalImportCoordinator implements ImportCoordinator {
  private readonly slots = new Map<string, number>();

  async reserve(owner: string, max: number): Promise<ImportSlot | undefined> {
    const taken = this.slots.get(owner) ?? 0;
    if (taken >= max) return undefined;
    this.slots.set(owner, taken + 1);
    let held = true;
    return {
      release: () => {
        if (!held) return;
        held = false;
        const left = (this.slots.get(owner) ?? 1) - 1;
        if (left > 0) this.slots.set(owner, left);
        else this.slots.delete(owner);
      },
    };
  }

  async lease(): Promise<ImportLease> {
    return { release: async () => {} };
  }

  async requestCancel(): Promise<boolean> {
    return false;
  }

  onCancelRequest(): void {}

  async claimLapsed(): Promise<string[]> {
    return [];
  }

  async close(): Promise<void> {}
}
