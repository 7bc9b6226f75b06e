import type { JobEvent } from '@jobstream/contracts';
import { createStoredEvent, parseEventId, type StoredEvent } from '@jobstream/progress';
import type { JobRecord } from '@jobstream/storage';

/** The terminal event of an ended job rebuilt from storage, for jobs whose room has left memory; undefined while it runs. */
export function terminalEventOf(job: JobRecord): StoredEvent | undefined {
  const position = parseEventId(job.lastEventId);
  if (position === undefined || job.finishedAt === null) return undefined;
  const base = { jobId: job.jobId, templateName: job.templateName };
  const event: JobEvent =
    job.status === 'completed'
      ? {
          event: 'upload-completed',
          payload: {
            ...base,
            status: 'completed',
            processed: job.processed,
            total: job.total ?? job.processed,
            inserted: job.inserted,
            updated: job.updated,
            failed: job.failed,
            errors: job.errors,
            durationMs: job.durationMs ?? 0,
          },
        }
      : {
          event: 'upload-error',
          payload: {
            ...base,
            status: 'failed',
            message: job.message,
            ...(job.errors.length ? { errors: job.errors } : {}),
          },
        };
  return createStoredEvent(event, position.epoch, position.seq, job.finishedAt.getTime());
}
