import type { UploadProgress, UploadResult } from '@jobstream/contracts';
import type { JobEventLog } from './job-event-log';
import type { StoredEvent } from './stored-event';

/** Options of `emitError`. */
export interface EmitErrorOptions {
  /** Row errors to report with the failure. */
  errors?: string[];
}

/**
 * What server code calls to report a job: one per process, given to whoever runs jobs. Each call appends one event
 * to the log, which checks it against the job's lifecycle (rejecting with `JobLifecycleError`) and resolves with its
 * id once it is recorded. A process's calls for one job are recorded in call order, awaited or not.
 */
export class ProgressEmitter {
  constructor(private readonly log: JobEventLog) {}

  /** Reports a running job's state; the first report of a job must have status `started`. Returns the event id. */
  emitProgress(jobId: string, progress: UploadProgress): Promise<string> {
    return this.log.append(jobId, { event: 'upload-progress', payload: progress });
  }

  /** Reports that a job completed, with its final counts; ends the job's stream. Returns the event id. */
  emitCompletion(jobId: string, result: UploadResult): Promise<string> {
    return this.log.append(jobId, { event: 'upload-completed', payload: result });
  }

  /** The job's newest event, as the log holds it. */
  latest(jobId: string): Promise<StoredEvent | undefined> {
    return this.log.latest(jobId);
  }

  /** Reports that a job failed; ends the job's stream. Returns the event id. */
  emitError(jobId: string, message: string, options: EmitErrorOptions = {}): Promise<string> {
    return this.log.append(jobId, (latest) => ({
      event: 'upload-error',
      payload: {
        jobId,
        templateName: latest.payload.templateName,
        status: 'failed',
        message,
        ...(options.errors ? { errors: options.errors } : {}),
      },
    }));
  }
}
