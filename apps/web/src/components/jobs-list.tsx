'use client';

import { isTerminalStatus } from '@jobstream/contracts';
import { useTRPC } from '@jobstream/react';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { formatTime } from '@/lib/format-time';
import { templateLabel } from '@/lib/template-label';
import { JobListItem } from './job-list-item';
import { isNotLive, useLiveConnection } from './live-connection';
import { LiveJobListItem } from './live-job-list-item';
import { StatePanel } from './state-panel';
import { UnreachablePanel } from './unreachable-panel';

/** The caller's recent jobs, newest first; running ones update live, and the list says when it is not live. */
export function JobsList() {
  const trpc = useTRPC();
  const jobs = useQuery(trpc.upload.list.queryOptions());
  const templates = useQuery(trpc.upload.templates.queryOptions());
  const connection = useLiveConnection();
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  if (jobs.isPending) {
    if (jobs.failureCount > 0) return <UnreachablePanel onRetry={() => void jobs.refetch()} />;
    return <StatePanel tone="loading" title="Loading jobs…" />;
  }
  if (jobs.isError) {
    return <StatePanel tone="error" title="Jobs could not be loaded" onRetry={() => jobs.refetch()} />;
  }
  if (jobs.data.length === 0) {
    return (
      <StatePanel
        title="No imports yet"
        action={
          <Link href="/" className="button button--primary">
            Import a CSV file
          </Link>
        }
      >
        <p>Jobs you start in this browser appear here, with their progress and results.</p>
      </StatePanel>
    );
  }
  const notLive = isNotLive(connection.status);
  return (
    <div className="stack stack--tight">
      {notLive ? (
        <p className="stale-note" data-testid="list-not-live">
          Not live: this is the list as of {formatTime(new Date(connection.since ?? jobs.dataUpdatedAt))}. It refreshes
          by itself once the connection is back.
        </p>
      ) : null}
      <ul
        className={`job-list${notLive ? ' job-list--not-live' : ''}`}
        aria-label="Recent jobs"
        data-live={String(!notLive)}
      >
        {jobs.data.map((job) => {
          const props = { job, label: templateLabel(job.templateName, templates.data), now, notLive };
          return isTerminalStatus(job.status) ? (
            <JobListItem key={job.jobId} {...props} state={job} />
          ) : (
            <LiveJobListItem key={job.jobId} {...props} />
          );
        })}
      </ul>
    </div>
  );
}
