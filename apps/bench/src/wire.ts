import type { JobEvent, UploadProgress, UploadResult } from '@jobstream/contracts';

/**
 * Every server sends the same job events. A progress event's `processed` is its sequence number k (1, 2, ...)
 * within its job, 0 for the `started` event, and its `message` is the emit time in µs (see `nowMicros`).
 * The completion's `processed` is the job's last k, so a subscriber can tell whether its last state is exact.
 */
export type { JobEvent };

/** The `started` event every job begins with. */
export function startedPayload(jobId: string): UploadProgress {
  return { jobId, templateName: 'users', status: 'started', progress: 0, message: '0', processed: 0 };
}

/** Progress event number `k` of a job, stamped with its emit time, carrying `errors` when given. */
export function progressPayload(options: {
  jobId: string;
  k: number;
  sentAtMicros: number;
  errors?: string[] | undefined;
}): UploadProgress {
  const { jobId, k, sentAtMicros, errors } = options;
  return {
    jobId,
    templateName: 'users',
    status: 'processing',
    progress: Math.min(99, Math.floor(k / 100)),
    message: String(sentAtMicros),
    processed: k,
    ...(errors ? { errors } : {}),
  };
}

/** `count` row errors as an import reports its first rejected rows (`Row N: field: message`). */
export function rowErrors(count: number): string[] {
  return Array.from({ length: count }, (_, i) => `Row ${(i + 1) * 97}: email: Invalid email address`);
}

/** The completion of a job whose last progress event was number `processed`. */
export function resultPayload(options: { jobId: string; processed: number }): UploadResult {
  const { jobId, processed } = options;
  return {
    jobId,
    templateName: 'users',
    status: 'completed',
    processed,
    total: processed,
    inserted: processed,
    updated: 0,
    failed: 0,
    errors: [],
    durationMs: 0,
  };
}
