import { UploadStatus } from '@jobstream/contracts';
import {
  EventLogUnavailableError,
  isTerminalEvent,
  JobLifecycleError,
  type ProgressEmitter,
} from '@jobstream/progress';
import type { JobRepository } from '@jobstream/storage';
import type { ImportCounts } from './run-import';

/** Performs a step of reporting a job's end (its event, then its store write): at once by default, or with retries while the store or the log is away. */
export type RecordEnd = <T>(write: () => Promise<T>) => Promise<T>;

/** A job's identity, as every report carries it. */
export interface ReportedJob {
  jobId: string;
  templateName: string;
  startedAt: number;
}

function percent(counts: Readonly<ImportCounts>): number {
  if (counts.total === 0) return 0;
  return Math.min(100, Math.floor((counts.processed / counts.total) * 1000) / 10);
}

/**
 * Tells subscribers (through the emitter) and the store (through its job repository) where a job stands, keeping
 * both in step: each report is emitted, then recorded with the id the log gave it. A progress report the log
 * cannot take (it is away) is skipped: the next one says more. A job's end is emitted and recorded through
 * `record`, which may retry until both are done.
 */
export class JobReporter {
  constructor(
    private readonly emitter: ProgressEmitter,
    private readonly jobs: JobRepository,
    private readonly job: ReportedJob,
  ) {}

  /** The job was accepted: `total` rows are expected. */
  async started(total: number): Promise<void> {
    const message = `Queued ${total} rows`;
    const lastEventId = await this.emitter.emitProgress(this.job.jobId, {
      jobId: this.job.jobId,
      templateName: this.job.templateName,
      status: UploadStatus.STARTED,
      progress: 0,
      message,
      processed: 0,
      total,
    });
    await this.jobs.recordProgress(this.job.jobId, {
      status: 'started',
      progress: 0,
      message,
      processed: 0,
      total,
      lastEventId,
    });
  }

  /** Rows are being processed; skipped (the next report says more) while the log is away. */
  async progress(counts: Readonly<ImportCounts>): Promise<void> {
    const message = `Processing ${counts.processed} of ${counts.total} rows`;
    const progress = percent(counts);
    const emitted = this.emitter.emitProgress(this.job.jobId, {
      jobId: this.job.jobId,
      templateName: this.job.templateName,
      status: UploadStatus.PROCESSING,
      progress,
      message,
      processed: counts.processed,
      total: counts.total,
      errors: counts.errors,
    });
    const lastEventId = await emitted.catch((error: unknown) => {
      if (error instanceof EventLogUnavailableError) return undefined;
      throw error;
    });
    if (lastEventId === undefined) return;
    await this.jobs.recordProgress(this.job.jobId, { ...counts, status: 'processing', progress, message, lastEventId });
  }

  /** The job completed with these exact counts; `record` performs the emit and the store write (see `failed`). */
  async completed(counts: Readonly<ImportCounts>, record: RecordEnd = (write) => write()): Promise<void> {
    const message = `Imported ${counts.inserted + counts.updated} of ${counts.processed} rows`;
    const durationMs = Date.now() - this.job.startedAt;
    const lastEventId = await record(() =>
      this.emitEnd(() =>
        this.emitter.emitCompletion(this.job.jobId, {
          jobId: this.job.jobId,
          templateName: this.job.templateName,
          status: UploadStatus.COMPLETED,
          processed: counts.processed,
          total: counts.total,
          inserted: counts.inserted,
          updated: counts.updated,
          failed: counts.failed,
          errors: counts.errors,
          durationMs,
        }),
      ),
    );
    await record(() =>
      this.jobs.finish(this.job.jobId, {
        ...counts,
        status: 'completed',
        progress: 100,
        message,
        lastEventId,
        durationMs,
      }),
    );
  }

  /**
   * The job failed; counts are what was committed before. `record` performs the emit, then the store write (given
   * each step, so the caller can retry it while the log or the store is unavailable).
   */
  async failed(message: string, counts: Readonly<ImportCounts>, record: RecordEnd = (write) => write()): Promise<void> {
    const errors = counts.errors.length > 0 ? { errors: counts.errors } : {};
    const lastEventId = await record(() => this.emitEnd(() => this.emitter.emitError(this.job.jobId, message, errors)));
    const progress = percent(counts);
    await record(() =>
      this.jobs.finish(this.job.jobId, { ...counts, status: 'failed', progress, message, lastEventId }),
    );
  }

  /**
   * Emits the job's end; when the log refuses it because the job has already ended (an earlier attempt went
   * through though its answer was lost, or another instance ended the job), the id of that end.
   */
  private async emitEnd(emit: () => Promise<string>): Promise<string> {
    try {
      return await emit();
    } catch (error) {
      if (!(error instanceof JobLifecycleError)) throw error;
      const latest = await this.emitter.latest(this.job.jobId);
      if (latest && isTerminalEvent(latest)) return latest.id;
      throw error;
    }
  }
}
