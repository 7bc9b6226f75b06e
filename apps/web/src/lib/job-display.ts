import { isTerminalStatus, type UploadStatus } from '@jobstream/contracts';
import type { JobProgress } from '@jobstream/react';
import type { StoredJob } from './api-types';
import { type JobPhase, jobPhase } from './job-phase';

/** What an ended job committed (the duration is unknown for a job read from storage without one). */
export interface JobOutcome {
  processed: number;
  inserted: number;
  updated: number;
  failed: number;
  durationMs: number | undefined;
}

/** What the job page shows, from the live stream when it has spoken, else from the stored job. */
export interface JobDisplay {
  status: UploadStatus;
  phase: JobPhase;
  templateName: string;
  /** The uploaded file's name, when the server recorded one. */
  fileName: string | undefined;
  /** The uploaded file's size in bytes, when the server recorded it. */
  fileBytes: number | undefined;
  progress: number;
  /** Why a job that did not complete ended, in the server's words; empty otherwise. */
  reason: string;
  processed: number | undefined;
  total: number | undefined;
  errors: readonly string[];
  /** Rows rejected so far (at least the errors listed). */
  rejected: number;
  /** The committed counts of an ended job, once known; undefined while it runs. */
  outcome: JobOutcome | undefined;
  rate: number | undefined;
  eta: number | undefined;
  /** Shown from storage while the live stream has not delivered yet. */
  fromStorage: boolean;
}

function storedOutcome(job: StoredJob): JobOutcome {
  const { processed, inserted, updated, failed } = job;
  return { processed, inserted, updated, failed, durationMs: job.durationMs ?? undefined };
}

function larger(a: number | undefined, b: number | undefined): number | undefined {
  if (a === undefined) return b;
  return b === undefined ? a : Math.max(a, b);
}

function fromStored(job: StoredJob): JobDisplay {
  const ended = isTerminalStatus(job.status);
  return {
    status: job.status,
    phase: jobPhase(job.status, job.message),
    templateName: job.templateName,
    fileName: job.fileName,
    fileBytes: job.fileBytes,
    progress: job.status === 'completed' ? 100 : job.progress,
    reason: job.status === 'failed' ? job.message : '',
    processed: job.processed,
    total: job.total ?? undefined,
    errors: job.errors,
    rejected: Math.max(job.failed, job.errors.length),
    outcome: ended ? storedOutcome(job) : undefined,
    rate: undefined,
    eta: undefined,
    fromStorage: true,
  };
}

/**
 * A job that stopped (cancelled, interrupted, failed): its error event carries no counts, so they come from storage,
 * exact once the stored job has ended too; until then the furthest point either source has seen.
 */
function stoppedFigures(live: JobProgress, stored: StoredJob | undefined) {
  if (stored && isTerminalStatus(stored.status)) {
    return {
      progress: stored.progress,
      processed: stored.processed,
      total: stored.total ?? live.total,
      rejected: Math.max(stored.failed, live.errors.length),
      outcome: storedOutcome(stored),
    };
  }
  return {
    progress: Math.max(live.progress, stored?.progress ?? 0),
    processed: larger(live.processed, stored?.processed),
    total: live.total ?? stored?.total ?? undefined,
    rejected: Math.max(live.errors.length, stored?.failed ?? 0),
    outcome: undefined,
  };
}

function fromLive(live: JobProgress, status: UploadStatus, stored: StoredJob | undefined): JobDisplay {
  const { result, failure } = live;
  const base = {
    status,
    phase: jobPhase(status, failure?.message ?? ''),
    templateName: live.templateName ?? stored?.templateName ?? '',
    fileName: stored?.fileName,
    fileBytes: stored?.fileBytes,
    reason: failure?.message ?? '',
    errors: live.errors,
    rate: live.rate,
    eta: live.eta,
    fromStorage: false,
  };
  if (failure) return { ...base, ...stoppedFigures(live, stored), rate: undefined, eta: undefined };
  if (result) {
    return {
      ...base,
      progress: 100,
      processed: result.processed,
      total: result.total,
      rejected: result.failed,
      outcome: {
        processed: result.processed,
        inserted: result.inserted,
        updated: result.updated,
        failed: result.failed,
        durationMs: result.durationMs,
      },
      rate: undefined,
      eta: undefined,
    };
  }
  return {
    ...base,
    progress: live.progress,
    processed: live.processed,
    total: live.total,
    rejected: Math.max(live.errors.length, stored?.failed ?? 0),
    outcome: undefined,
  };
}

/** The job as shown: live state first, the stored one until the stream delivers; undefined while neither is known. */
export function jobDisplay(live: JobProgress, stored: StoredJob | undefined): JobDisplay | undefined {
  if (live.status !== undefined) return fromLive(live, live.status, stored);
  return stored ? fromStored(stored) : undefined;
}
