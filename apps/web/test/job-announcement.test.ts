import { describe, expect, it } from 'vitest';
import { jobAnnouncement } from '../src/lib/job-announcement';
import type { JobDisplay } from '../src/lib/job-display';

const running: JobDisplay = {
  status: 'processing',
  phase: 'processing',
  templateName: 'users',
  fileName: 'team.csv',
  fileBytes: 100,
  progress: 0,
  reason: '',
  processed: 0,
  total: 1000,
  errors: [],
  rejected: 0,
  outcome: undefined,
  rate: undefined,
  eta: undefined,
  fromStorage: false,
};

describe('jobAnnouncement', () => {
  it('changes only at each 10% while a job runs: a live region then speaks at most ten times', () => {
    const spoken = new Set<string>();
    for (let progress = 0; progress <= 100; progress += 0.1) spoken.add(jobAnnouncement({ ...running, progress }));
    expect([...spoken]).toEqual([
      'Import started.',
      '10% imported.',
      '20% imported.',
      '30% imported.',
      '40% imported.',
      '50% imported.',
      '60% imported.',
      '70% imported.',
      '80% imported.',
      '90% imported.',
    ]);
  });

  it('tells how the job ended once its counts are known, and not before', () => {
    const outcome = { processed: 200, inserted: 200, updated: 0, failed: 0, durationMs: 5 };
    const cancelled = { ...running, status: 'failed', phase: 'cancelled', progress: 20 } as const;
    expect(jobAnnouncement(cancelled)).toBe('20% imported.');
    expect(jobAnnouncement({ ...cancelled, outcome })).toBe(
      'Import cancelled. 200 rows inserted, 0 updated, 0 rejected before it stopped.',
    );
    expect(jobAnnouncement({ ...running, status: 'completed', phase: 'completed', progress: 100, outcome })).toBe(
      'Import completed. 200 rows inserted, 0 updated, 0 rejected.',
    );
    expect(
      jobAnnouncement({ ...running, status: 'failed', phase: 'failed', reason: 'Row 3 is malformed', outcome }),
    ).toBe('Import failed: Row 3 is malformed. 200 rows inserted, 0 updated, 0 rejected before it stopped.');
  });
});
