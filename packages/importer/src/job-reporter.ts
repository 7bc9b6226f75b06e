import { UploadStatus } from '@jobstream/contracts';
import type { ProgressEmitter } from '@jobstream/progress';
import type { JobStore } from '@jobstream/storage';
import type { ImportCounts } from './run-import';

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

/** Tells subscribers (through the emitter) and storage (through the job store) where a job stands, keeping both in step. */
export class JobReporter {
  constructor(
    private readonly emitter: ProgressEmitter,
    private readonly jobs: JobStore,
    private readonly job: ReportedJob,
  ) {}

  /** The job was accepted: `total` rows are expected. */
  started(total: number): void {
    const message = `Queued ${total} rows`;
    const lastEventId = this.emitter.emitProgress(this.job.jobId, {
      jobId: this.job.jobId,
      templateName: this.job.templateName,
      status: UploadStatus.STARTED,
      progress: 0,
      message,
      processed: 0,
      total,
    });
    this.jobs.recordProgress(this.job.jobId, {
      status: 'started',
      progress: 0,
      message,
      processed: 0,
      total,
      lastEventId,
    });
  }

  /** Rows are being processed. */
  progress(counts: Readonly<ImportCounts>): void {
    const message = `Processing ${counts.processed} of ${counts.total} rows`;
    const progress = percent(counts);
    const lastEventId = this.emitter.emitProgress(this.job.jobId, {
      jobId: this.job.jobId,
      templateName: this.job.templateName,
      status: UploadStatus.PROCESSING,
      progress,
      message,
      processed: counts.processed,
      total: counts.total,
      errors: counts.errors,
    });
    this.jobs.recordProgress(this.job.jobId, { ...counts, status: 'processing', progress, message, lastEventId });
  }

  /** The job completed with these exact counts. */
  completed(counts: Readonly<ImportCounts>): void {
    const message = `Imported ${counts.inserted + counts.updated} of ${counts.processed} rows`;
    const durationMs = Date.now() - this.job.startedAt;
    const lastEventId = this.emitter.emitCompletion(this.job.jobId, {
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
    });
    this.jobs.finish(this.job.jobId, {
      ...counts,
      status: 'completed',
      progress: 100,
      message,
      lastEventId,
      durationMs,
    });
  }

  /** The job failed; counts are what was committed before. */
  failed(message: string, counts: Readonly<ImportCounts>): void {
    const errors = counts.errors.length > 0 ? { errors: counts.errors } : {};
    const lastEventId = this.emitter.emitError(this.job.jobId, message, errors);
    const progress = percent(counts);
    this.jobs.finish(this.job.jobId, { ...counts, status: 'failed', progress, message, lastEventId });
  }
}
