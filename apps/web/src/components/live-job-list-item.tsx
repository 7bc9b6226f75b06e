'use client';

import { useJobProgress } from '@jobstream/react';
import type { StoredJob } from '@/lib/api-types';
import { JobListItem, type JobListItemProps, type JobRowState } from './job-list-item';

function liveState(job: StoredJob, live: ReturnType<typeof useJobProgress>): JobRowState {
  if (live.status === undefined) return job;
  return {
    status: live.status,
    progress: live.progress,
    processed: live.processed ?? job.processed,
    total: live.total ?? job.total,
    inserted: live.result?.inserted ?? job.inserted,
    updated: live.result?.updated ?? job.updated,
    failed: live.result?.failed ?? job.failed,
    durationMs: live.result?.durationMs ?? job.durationMs,
    message: live.failure?.message ?? live.message,
  };
}

/** A list row of a running job, kept current by its progress subscription. */
export function LiveJobListItem(props: Omit<JobListItemProps, 'state'>) {
  const live = useJobProgress(props.job.jobId);
  return <JobListItem {...props} state={liveState(props.job, live)} />;
}
