'use client';

import { isTerminalStatus } from '@jobstream/contracts';
import { useTRPC } from '@jobstream/react';
import { useQuery } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useState } from 'react';
import { templateLabel } from '@/lib/template-label';
import { JobListItem } from './job-list-item';
import { LiveJobListItem } from './live-job-list-item';
import { StatePanel } from './state-panel';

/** The caller's recent jobs, newest first; running ones update live through their subscriptions. */
export function JobsList() {
  const trpc = useTRPC();
  const jobs = useQuery(trpc.upload.list.queryOptions());
  const templates = useQuery(trpc.upload.templates.queryOptions());
  const [now, setNow] = useState(() => new Date());

  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 30_000);
    return () => clearInterval(timer);
  }, []);

  if (jobs.isPending) return <StatePanel tone="loading" title="Loading jobs…" />;
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
  return (
    <ul className="job-list" aria-label="Recent jobs">
      {jobs.data.map((job) => {
        const props = { job, label: templateLabel(job.templateName, templates.data), now };
        return isTerminalStatus(job.status) ? (
          <JobListItem key={job.jobId} {...props} state={job} />
        ) : (
          <LiveJobListItem key={job.jobId} {...props} />
        );
      })}
    </ul>
  );
}
