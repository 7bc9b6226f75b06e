import type { UploadProgress, UploadResult } from '@jobstream/contracts';

/** A valid progress payload of `jobId` at `progress` percent (`processed` follows it, of 100 rows). */
export function progressOf(
  jobId: string,
  progress: number,
  status: 'started' | 'processing' = 'processing',
): UploadProgress {
  const processed = Math.max(0, Math.floor(progress));
  return { jobId, templateName: 'users', status, progress, message: `at ${progress}%`, processed, total: 100 };
}

/** A valid completion of `jobId`: 100 rows, one rejected. */
export function resultOf(jobId: string): UploadResult {
  return {
    jobId,
    templateName: 'users',
    status: 'completed',
    processed: 100,
    total: 100,
    inserted: 98,
    updated: 1,
    failed: 1,
    errors: ['Row 3: email: Invalid email address'],
    durationMs: 5,
  };
}
