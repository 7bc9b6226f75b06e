import { JobLifecycleError, type ProgressEmitter } from '@jobstream/progress';
import type { JobRecord, Store } from '@jobstream/storage';
import type { ImportCoordinator } from './import-coordinator';
import { INSTANCE_LOST_MESSAGE } from './import-service';
import { JobReporter } from './job-reporter';
import type { ImportCounts } from './run-import';

/** What the reaper needs. */
export interface ImportReaperOptions {
  store: Store;
  emitter: ProgressEmitter;
  coordinator: ImportCoordinator;
  /** Whether this instance runs a job (its own imports are never reaped). */
  runsHere: (jobId: string) => boolean;
  /** Time between looks, in ms; half the lease is right (a claim lapses after a lease without renewal). */
  intervalMs: number;
  /** Jobs recorded as running looked at per round (default 500). */
  batch?: number;
  /** Called with what went wrong in a round (the next round tries again). */
  onError?: (error: unknown) => void;
  /** Called with each job it ended. */
  onReaped?: (jobId: string) => void;
}

/**
 * Ends the imports whose instance stopped. Every `intervalMs` it takes the jobs the store records as running, asks
 * the coordinator which of them lost their instance (each such job goes to exactly one instance's reaper), and
 * fails those with `Interrupted: the server running it stopped`: on their channel, so subscribers anywhere see the
 * end, and in the store, with the counts their last committed batch recorded.
 */
export class ImportReaper {
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: ImportReaperOptions) {}

  /** Looks every `intervalMs` until `close`. */
  start(): void {
    this.schedule();
  }

  /** One round: resolves with the jobs it ended. */
  async reapNow(): Promise<string[]> {
    const { store, coordinator, runsHere } = this.options;
    const running = await store.jobs.listRunning(this.options.batch ?? 500);
    const elsewhere = running.filter((job) => !runsHere(job.jobId));
    const lapsed = new Set(await coordinator.claimLapsed(elsewhere.map((job) => job.jobId)));
    const reaped: string[] = [];
    for (const job of elsewhere) {
      if (!lapsed.has(job.jobId)) continue;
      await this.fail(job);
      reaped.push(job.jobId);
      this.options.onReaped?.(job.jobId);
    }
    return reaped;
  }

  /** Stops looking; resolves once a round in progress has ended. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await this.round;
  }

  private schedule(): void {
    if (this.closed) return;
    this.timer = setTimeout(() => {
      this.round = this.reapNow()
        .catch((error: unknown) => this.options.onError?.(error))
        .finally(() => this.schedule());
    }, this.options.intervalMs);
    this.timer.unref();
  }

  /** Reports the job failed, as its own instance would have, from what the store recorded of it. */
  private async fail(job: JobRecord): Promise<void> {
    const { emitter, store } = this.options;
    const reporter = new JobReporter(emitter, store.jobs, {
      jobId: job.jobId,
      templateName: job.templateName,
      startedAt: job.createdAt.getTime(),
    });
    const counts: ImportCounts = {
      processed: job.processed,
      total: job.total ?? job.processed,
      inserted: job.inserted,
      updated: job.updated,
      failed: job.failed,
      errors: job.errors,
    };
    try {
      await reporter.failed(INSTANCE_LOST_MESSAGE, counts);
    } catch (error) {
      if (!(error instanceof JobLifecycleError)) throw error;
      // The log no longer holds the job (it lost it while the job's instance was gone too): a new history from the
      // job's recorded state, so subscribers see it, then its end.
      await emitter.emitProgress(job.jobId, {
        jobId: job.jobId,
        templateName: job.templateName,
        status: 'started',
        progress: job.progress,
        message: job.message,
        processed: job.processed,
        ...(job.total === null ? {} : { total: job.total }),
      });
      await reporter.failed(INSTANCE_LOST_MESSAGE, counts);
    }
  }
}
