import type { UploadResult, UploadStatus } from '@jobstream/contracts';
import type { JobProgress } from '@jobstream/react';
import type { StoredJob } from './api-types';

/** Final counts of a completed job (the duration is unknown for a job read from storage without one). */
export type JobTotals = Pick<UploadResult, 'processed' | 'inserted' | 'updated' | 'failed'> & {
  durationMs: UploadResult['durationMs'] | undefined;
};

/** What the job page shows, from the live stream when it has spoken, else from the stored job. */
export interface JobDisplay {
  status: UploadStatus;
  templateName: string;
  progress: number;
  message: string;
  processed: number | undefined;
  total: number | undefined;
  errors: readonly string[];
  /** Rows rejected so far (at least the errors listed). */
  rejected: number;
  totals: JobTotals | undefined;
  rate: number | undefined;
  eta: number | undefined;
  /** Shown from storage while the live stream has not delivered yet. */
  fromStorage: boolean;
}

function fromLive(live: JobProgress, status: UploadStatus, stored: StoredJob | undefined): JobDisplay {
  const { result } = live;
  return {
    status,
    templateName: live.templateName ?? stored?.templateName ?? '',
    progress: live.progress,
    message: live.failure?.message ?? live.message,
    processed: live.processed,
    total: live.total,
    errors: live.errors,
    rejected: result?.failed ?? Math.max(live.errors.length, stored?.failed ?? 0),
    totals: result
      ? {
          processed: result.processed,
          inserted: result.inserted,
          updated: result.updated,
          failed: result.failed,
          durationMs: result.durationMs,
        }
      : undefined,
    rate: live.rate,
    eta: live.eta,
    fromStorage: false,
  };
}

function fromStored(job: StoredJob): JobDisplay {
  return {
    status: job.status,
    templateName: job.templateName,
    progress: job.status === 'completed' ? 100 : job.progress,
    message: job.message,
    processed: job.processed,
    total: job.total ?? undefined,
    errors: job.errors,
    rejected: Math.max(job.failed, job.errors.length),
    totals:
      job.status === 'completed'
        ? {
            processed: job.processed,
            inserted: job.inserted,
            updated: job.updated,
            failed: job.failed,
            durationMs: job.durationMs ?? undefined,
          }
        : undefined,
    rate: undefined,
    eta: undefined,
    fromStorage: true,
  };
}

/** The job as shown: live state first, the stored one until the stream delivers; undefined while neither is known. */
export function jobDisplay(live: JobProgress, stored: StoredJob | undefined): JobDisplay | undefined {
  if (live.status !== undefined) return fromLive(live, live.status, stored);
  return stored ? fromStored(stored) : undefined;
}
