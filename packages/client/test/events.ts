import type { JobStreamEvent, UploadProgress } from '@jobstream/contracts';

/** A job id used by the tests. */
export const JOB = '4f6c8a57-2a8f-4d8e-9a55-3f0f2b8c1d10';

/** A progress event of JOB. */
export function progress(
  percent: number,
  extra: Partial<UploadProgress> = {},
  flags: Pick<JobStreamEvent, 'snapshot' | 'missed'> = {},
): JobStreamEvent {
  return {
    event: 'upload-progress',
    payload: {
      jobId: JOB,
      templateName: 'users',
      status: percent === 0 ? 'started' : 'processing',
      progress: percent,
      message: `at ${percent}%`,
      processed: percent * 10,
      total: 1000,
      ...extra,
    },
    ...flags,
  };
}

/** The completion event of JOB. */
export function completed(errors: string[] = []): JobStreamEvent {
  return {
    event: 'upload-completed',
    payload: {
      jobId: JOB,
      templateName: 'users',
      status: 'completed',
      processed: 1000,
      total: 1000,
      inserted: 990,
      updated: 0,
      failed: errors.length,
      errors,
      durationMs: 4200,
    },
  };
}

/** The failure event of JOB. */
export function failed(message: string): JobStreamEvent {
  return { event: 'upload-error', payload: { jobId: JOB, templateName: 'users', status: 'failed', message } };
}
