import type { UploadStatus } from '@jobstream/contracts';

/** The message the API ends a cancelled import with (`CANCELLED_MESSAGE` in `@jobstream/importer`). */
const CANCELLED_MESSAGE = 'Cancelled';
/** The message of an import the API server's restart stopped (`INTERRUPTED_MESSAGE` in `@jobstream/importer`). */
const INTERRUPTED_MESSAGE = 'Interrupted by server restart';

/** Where a job stands as people see it: its status, a failed one told apart by why it stopped. */
export type JobPhase = 'started' | 'processing' | 'completed' | 'cancelled' | 'interrupted' | 'failed';

/** The phase of a job with this status and (for a failed one) this message. */
export function jobPhase(status: UploadStatus, message: string): JobPhase {
  if (status !== 'failed') return status;
  if (message === CANCELLED_MESSAGE) return 'cancelled';
  if (message === INTERRUPTED_MESSAGE) return 'interrupted';
  return 'failed';
}

/** True for a phase after which nothing changes. */
export function isEndedPhase(phase: JobPhase): boolean {
  return phase !== 'started' && phase !== 'processing';
}

/** True for a job that ended before its last row: cancelled, interrupted or failed. */
export function isStoppedPhase(phase: JobPhase): boolean {
  return phase === 'cancelled' || phase === 'interrupted' || phase === 'failed';
}
