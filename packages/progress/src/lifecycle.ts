import {
  checkUploadProgress,
  type JobEvent,
  UploadFailureSchema,
  UploadProgressSchema,
  UploadResultSchema,
  UploadStatus,
} from '@jobstream/contracts';
import type { z } from 'zod';
import type { NextEvent } from './job-event-log';
import type { StoredEvent } from './stored-event';

/** Thrown when server code emits something a job's lifecycle does not allow, or an invalid payload. */
export class JobLifecycleError extends Error {
  override readonly name = 'JobLifecycleError';
  constructor(
    readonly jobId: string,
    message: string,
  ) {
    super(`job ${jobId}: ${message}`);
  }
}

function parse<T>(jobId: string, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.join('.') || 'payload'}: ${i.message}`);
  throw new JobLifecycleError(jobId, `invalid payload (${detail.join('; ')})`);
}

function assertSameJob(jobId: string, payload: { jobId: string }): void {
  if (payload.jobId !== jobId) {
    throw new JobLifecycleError(jobId, `payload is for job ${payload.jobId}`);
  }
}

/**
 * Checks that `next` may follow the job's current state (`latest`, undefined for a job not seen yet)
 * and returns it parsed: started -> processing* -> completed | failed (exactly one `started`, the first event),
 * progress never decreasing.
 */
export function validateTransition(jobId: string, latest: StoredEvent | undefined, next: JobEvent): JobEvent {
  if (latest && latest.event !== 'upload-progress') {
    throw new JobLifecycleError(jobId, `already ${latest.payload.status}; nothing is accepted after a terminal event`);
  }
  if (next.event === 'upload-progress') {
    // Once a job has an event, its id has passed the schema: later payloads may take the hand-written check.
    const payload =
      (latest && checkUploadProgress(next.payload, jobId)) ?? parse(jobId, UploadProgressSchema, next.payload);
    assertSameJob(jobId, payload);
    if (!latest && payload.status !== UploadStatus.STARTED) {
      throw new JobLifecycleError(jobId, `the first event must have status 'started', got '${payload.status}'`);
    }
    if (latest && payload.status === UploadStatus.STARTED) {
      throw new JobLifecycleError(
        jobId,
        latest.payload.status === UploadStatus.STARTED
          ? "already started; only the first event may have status 'started'"
          : `cannot go back to 'started' from '${latest.payload.status}'`,
      );
    }
    if (latest && payload.progress < latest.payload.progress) {
      throw new JobLifecycleError(
        jobId,
        `progress cannot decrease (from ${latest.payload.progress} to ${payload.progress})`,
      );
    }
    return { event: next.event, payload };
  }
  if (!latest) throw new JobLifecycleError(jobId, 'job was never started');
  if (next.event === 'upload-completed') {
    const payload = parse(jobId, UploadResultSchema, next.payload);
    assertSameJob(jobId, payload);
    return { event: next.event, payload };
  }
  const payload = parse(jobId, UploadFailureSchema, next.payload);
  assertSameJob(jobId, payload);
  return { event: next.event, payload };
}

/** The event an append records: `next` itself, or the one it makes from the job's current state. */
export function resolveNext(jobId: string, latest: StoredEvent | undefined, next: JobEvent | NextEvent): JobEvent {
  if (typeof next !== 'function') return next;
  if (!latest) throw new JobLifecycleError(jobId, 'job was never started');
  return next(latest);
}
