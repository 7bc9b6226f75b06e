import type { UploadProgress, UploadResult } from '@jobstream/contracts';
import type { JobEventLog } from './job-event-log';
import { JobLifecycleError } from './lifecycle';

/** Options of `emitError`. */
export interface EmitErrorOptions {
  /** Row errors to report with the failure. */
  errors?: string[];
}

/**
 * What server code calls to report a job: one per process, given to whoever runs jobs. Each call appends one event
 * to the log, which checks it against the job's lifecycle (throwing `JobLifecycleError`) and returns its id.
 */
export class ProgressEmitter {
  constructor(private readonly log: JobEventLog) {}

  /** Reports a running job's state; the first report of a job must have status `started`. Returns the event id. */
  emitProgress(jobId: string, progress: UploadProgress): string {
    return this.log.append(jobId, { event: 'upload-progress', payload: progress });
  }

  /** Reports that a job completed, with its final counts; ends the job's stream. Returns the event id. */
  emitCompletion(jobId: string, result: UploadResult): string {
    return this.log.append(jobId, { event: 'upload-completed', payload: result });
  }

  /** Reports that a job failed; ends the job's stream. Returns the event id. */
  emitError(jobId: string, message: string, options: EmitErrorOptions = {}): string {
    const latest = this.log.latest(jobId);
    if (!latest) throw new JobLifecycleError(jobId, 'job was never started');
    const payload = {
      jobId,
      templateName: latest.payload.templateName,
      status: 'failed' as const,
      message,
      ...(options.errors ? { errors: options.errors } : {}),
    };
    return this.log.append(jobId, { event: 'upload-error', payload });
  }
}
