'use client';

import { isTerminalStatus } from '@jobstream/contracts';
import { useJobProgress, useTRPC } from '@jobstream/react';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
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

/** Refetches the list once a job in it ends: storage then holds its final counts (a stopped job's event has none). */
function useListRefreshWhenEnded(status: ReturnType<typeof useJobProgress>['status']): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const ended = status !== undefined && isTerminalStatus(status);
  useEffect(() => {
    if (ended) void queryClient.invalidateQueries({ queryKey: trpc.upload.list.queryKey() });
  }, [ended, queryClient, trpc]);
}

/** A list row of a running job, kept current by its progress subscription. */
export function LiveJobListItem(props: Omit<JobListItemProps, 'state'>) {
  const live = useJobProgress(props.job.jobId);
  useListRefreshWhenEnded(live.status);
  return <JobListItem {...props} state={liveState(props.job, live)} />;
}
