'use client';

import { isTerminalStatus } from '@jobstream/contracts';
import { useJobProgress, useTRPC } from '@jobstream/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect } from 'react';
import { jobDisplay } from '@/lib/job-display';
import { templateLabel } from '@/lib/template-label';
import { trpcErrorCode } from '@/lib/trpc-error-code';
import { JobFailure } from './job-failure';
import { JobHeader } from './job-header';
import { JobProgressCard } from './job-progress-card';
import { JobSummary } from './job-summary';
import { RowErrors } from './row-errors';
import { StatePanel } from './state-panel';

const MISSING = new Set(['NOT_FOUND', 'BAD_REQUEST']);

/** The live page of one job: status, progress, figures, row errors, then the summary or the failure. */
export function JobView({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useJobProgress(jobId);
  const stored = useQuery(trpc.upload.get.queryOptions({ jobId }));
  const templates = useQuery(trpc.upload.templates.queryOptions());
  const job = jobDisplay(live, stored.data);
  const finished = job !== undefined && isTerminalStatus(job.status);

  useEffect(() => {
    if (finished) void queryClient.invalidateQueries({ queryKey: trpc.upload.list.queryKey() });
  }, [finished, queryClient, trpc]);

  const missing = MISSING.has(trpcErrorCode(stored.error) ?? '') || MISSING.has(trpcErrorCode(live.error) ?? '');
  if (missing) {
    return (
      <StatePanel
        title="Job not found"
        action={
          <Link href="/jobs" className="button">
            See your jobs
          </Link>
        }
      >
        <p>
          There is no job with the id {jobId} in this session. It may belong to another browser, or the link is wrong.
        </p>
      </StatePanel>
    );
  }
  if (!job) {
    if (live.error || stored.isError) {
      return (
        <StatePanel
          tone="error"
          title="This job could not be loaded"
          onRetry={() => {
            live.retry();
            void stored.refetch();
          }}
        />
      );
    }
    return <StatePanel tone="loading" title="Loading job…" />;
  }

  return (
    <div className="stack" data-testid="job-view" data-status={job.status}>
      <Link href="/jobs" className="back-link">
        ← All jobs
      </Link>
      <JobHeader
        jobId={jobId}
        title={templateLabel(job.templateName, templates.data)}
        status={job.status}
        createdAt={stored.data?.createdAt}
      />
      <JobProgressCard jobId={jobId} job={job} />
      {job.status === 'failed' ? <JobFailure message={job.message} /> : null}
      {job.totals ? <JobSummary totals={job.totals} /> : null}
      <RowErrors jobId={jobId} errors={job.errors} rejected={job.rejected} finished={finished} />
      {live.error && !finished ? (
        <p className="form-error" role="alert">
          Live updates stopped: {live.error.message}{' '}
          <button type="button" className="link-button" onClick={live.retry}>
            Resume
          </button>
        </p>
      ) : null}
    </div>
  );
}
