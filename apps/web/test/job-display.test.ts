import type { JobProgress } from '@jobstream/react';
import { describe, expect, it } from 'vitest';
import type { StoredJob } from '../src/lib/api-types';
import { jobDisplay } from '../src/lib/job-display';

const jobId = '4f6c8a57-2a8f-4d8e-9a55-3f0f2b8c1d10';

const nothingLive: JobProgress = {
  status: undefined,
  templateName: undefined,
  progress: 0,
  message: '',
  processed: undefined,
  total: undefined,
  errors: [],
  result: undefined,
  failure: undefined,
  connection: 'connecting',
  rate: undefined,
  eta: undefined,
  lastEventId: undefined,
  error: null,
  retry: () => {},
};

const stored: StoredJob = {
  jobId,
  templateName: 'users',
  status: 'processing',
  progress: 40,
  message: 'Processing 400 of 1000 rows',
  processed: 400,
  total: 1000,
  inserted: 398,
  updated: 0,
  failed: 2,
  errors: ['Row 3: email: Invalid email address'],
  lastEventId: '9',
  createdAt: new Date(0),
  updatedAt: new Date(0),
  finishedAt: null,
  durationMs: null,
};

describe('jobDisplay', () => {
  it('is undefined while nothing is known', () => {
    expect(jobDisplay(nothingLive, undefined)).toBeUndefined();
  });

  it('shows the stored job until the stream delivers', () => {
    expect(jobDisplay(nothingLive, stored)).toMatchObject({
      status: 'processing',
      progress: 40,
      processed: 400,
      total: 1000,
      rejected: 2,
      outcome: undefined,
      fromStorage: true,
    });
  });

  it('prefers the live state, with rate and ETA', () => {
    const live: JobProgress = {
      ...nothingLive,
      status: 'processing',
      templateName: 'users',
      progress: 60,
      message: 'Processing 600 of 1000 rows',
      processed: 600,
      total: 1000,
      rate: 200,
      eta: 2000,
    };
    expect(jobDisplay(live, stored)).toMatchObject({
      progress: 60,
      processed: 600,
      rate: 200,
      eta: 2000,
      fromStorage: false,
    });
  });

  it('takes the final counts from the completion', () => {
    const live: JobProgress = {
      ...nothingLive,
      status: 'completed',
      templateName: 'users',
      progress: 100,
      processed: 1000,
      total: 1000,
      result: {
        jobId,
        templateName: 'users',
        status: 'completed',
        processed: 1000,
        total: 1000,
        inserted: 990,
        updated: 5,
        failed: 5,
        errors: [],
        durationMs: 1234,
      },
    };
    expect(jobDisplay(live, stored)).toMatchObject({
      phase: 'completed',
      outcome: { processed: 1000, inserted: 990, updated: 5, failed: 5, durationMs: 1234 },
      rejected: 5,
    });
  });

  it('shows where a cancelled job stopped from storage: its error event carries no progress or counts', () => {
    const live: JobProgress = {
      ...nothingLive,
      status: 'failed',
      templateName: 'users',
      failure: { jobId, templateName: 'users', status: 'failed', message: 'Cancelled' },
    };
    const cancelled: StoredJob = {
      ...stored,
      status: 'failed',
      message: 'Cancelled',
      progress: 22.5,
      processed: 225_096,
      total: 1_000_000,
      inserted: 225_090,
      updated: 0,
      failed: 6,
      finishedAt: new Date(1),
      durationMs: 5_000,
    };
    expect(jobDisplay(live, cancelled)).toMatchObject({
      status: 'failed',
      phase: 'cancelled',
      reason: 'Cancelled',
      progress: 22.5,
      processed: 225_096,
      total: 1_000_000,
      rejected: 6,
      outcome: { processed: 225_096, inserted: 225_090, updated: 0, failed: 6, durationMs: 5_000 },
    });
    expect(jobDisplay(nothingLive, cancelled)).toMatchObject({
      phase: 'cancelled',
      progress: 22.5,
      outcome: { inserted: 225_090 },
    });
  });

  it('until the stored job has ended too, shows the furthest point either source saw and no counts yet', () => {
    const live: JobProgress = {
      ...nothingLive,
      status: 'failed',
      templateName: 'users',
      progress: 45,
      processed: 450,
      total: 1000,
      failure: { jobId, templateName: 'users', status: 'failed', message: 'Interrupted by server restart' },
    };
    expect(jobDisplay(live, stored)).toMatchObject({
      phase: 'interrupted',
      progress: 45,
      processed: 450,
      rejected: 2,
      outcome: undefined,
    });
    expect(jobDisplay({ ...live, progress: 0, processed: undefined }, stored)).toMatchObject({
      progress: 40,
      processed: 400,
    });
  });

  it("names the job's file from storage", () => {
    const named: StoredJob = { ...stored, fileName: 'team.csv', fileBytes: 2048 };
    expect(jobDisplay(nothingLive, named)).toMatchObject({ fileName: 'team.csv', fileBytes: 2048 });
    expect(jobDisplay({ ...nothingLive, status: 'processing' }, named)).toMatchObject({ fileName: 'team.csv' });
  });

  it('tells a failure apart from a cancel', () => {
    const live: JobProgress = {
      ...nothingLive,
      status: 'failed',
      templateName: 'users',
      failure: { jobId, templateName: 'users', status: 'failed', message: 'Row 7 is malformed' },
    };
    expect(jobDisplay(live, undefined)).toMatchObject({
      phase: 'failed',
      reason: 'Row 7 is malformed',
      outcome: undefined,
    });
  });
});
