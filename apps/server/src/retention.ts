import { readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ImportService } from '@jobstream/importer';
import type { Logger } from '@jobstream/logger';
import type { Store } from '@jobstream/storage';
import { SPOOLED_UPLOAD } from './uploads/spool-dir';

/** What one sweep removed. */
export interface SweepTotals {
  jobs: number;
  rowErrors: number;
  sessions: number;
  spooledUploads: number;
}

/** Options of the retention sweep. */
export interface RetentionOptions {
  store: Store;
  imports: ImportService;
  spoolDir: string;
  /** Age past which ended jobs, unused sessions and spooled uploads are removed, in ms (`JOB_RETENTION_DAYS`). */
  maxAgeMs: number;
  /** Time between sweeps, in ms (`RETENTION_SWEEP_MS`); the first runs at start. */
  intervalMs: number;
  logger: Logger;
  /** Rows one store call removes at most, so no call holds the store for long (default 1,000). */
  batch?: number;
}

/**
 * Removes, every `intervalMs`, what is older than `maxAgeMs`: jobs that ended before then with their rejected rows,
 * sessions created before then that own no job, and spooled uploads last written before then whose import is not
 * running here. A running job is never removed. Several instances sweeping one store is safe: each delete is
 * idempotent.
 */
export class RetentionSweeper {
  private timer: NodeJS.Timeout | undefined;
  private sweeping: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: RetentionOptions) {}

  /** Sweeps now, then every `intervalMs` until `close`. */
  start(): void {
    this.run();
  }

  /** One sweep; resolves with what it removed. */
  async sweepNow(): Promise<SweepTotals> {
    const { store, maxAgeMs } = this.options;
    const batch = this.options.batch ?? 1000;
    const before = new Date(Date.now() - maxAgeMs);
    const totals: SweepTotals = { jobs: 0, rowErrors: 0, sessions: 0, spooledUploads: 0 };
    for (;;) {
      const removed = await store.sweep(before, batch);
      totals.jobs += removed.jobs;
      totals.rowErrors += removed.rowErrors;
      totals.sessions += removed.sessions;
      if (this.closed || Math.max(removed.jobs, removed.rowErrors, removed.sessions) < batch) break;
    }
    totals.spooledUploads = await this.removeStaleUploads(before.getTime());
    return totals;
  }

  /** Stops sweeping; resolves once a sweep in progress has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  private run(): void {
    const { logger, intervalMs } = this.options;
    this.sweeping = this.sweepNow().then(
      (totals) => {
        if (Object.values(totals).some((count) => count > 0)) logger.info({ ...totals }, 'retention sweep');
      },
      (error: unknown) => logger.warn({ err: error }, 'retention sweep failed; next one as scheduled'),
    );
    void this.sweeping.then(() => {
      if (this.closed) return;
      this.timer = setTimeout(() => this.run(), intervalMs);
      this.timer.unref();
    });
  }

  private async removeStaleUploads(before: number): Promise<number> {
    const { spoolDir, imports } = this.options;
    const names = await readdir(spoolDir).catch(() => [] as string[]);
    let removed = 0;
    for (const name of names) {
      if (!SPOOLED_UPLOAD.test(name) || imports.isRunning(name.slice(0, -'.csv'.length))) continue;
      const file = join(spoolDir, name);
      const modified = await stat(file).then(
        (info) => info.mtimeMs,
        () => Number.POSITIVE_INFINITY,
      );
      if (modified >= before) continue;
      await rm(file, { force: true });
      removed++;
    }
    return removed;
  }
}
