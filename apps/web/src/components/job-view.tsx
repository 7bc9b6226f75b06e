'use client';

import { isTerminalStatus } from '@jobstream/contracts';
import { useJobProgress, useTRPC } from '@jobstream/react';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import Link from 'next/link';
import { useEffect, useRef } from 'react';
import { jobDisplay } from '@/lib/job-display';
import { isStoppedPhase } from '@/lib/job-phase';
import { templateLabel } from '@/lib/template-label';
import { trpcErrorCode } from '@/lib/trpc-error-code';
import { JobAnnouncer } from './job-announcer';
import { JobHeader } from './job-header';
import { JobProgressCard } from './job-progress-card';
import { JobStoppedNotice } from './job-stopped-notice';
import { JobSummary } from './job-summary';
import { isNotLive, useLiveConnection } from './live-connection';
import { RowErrors } from './row-errors';
import { StatePanel } from './state-panel';
import { UnreachablePanel } from './unreachable-panel';

const MISSING = new Set(['NOT_FOUND', 'BAD_REQUEST']);

/** True when no element has focus, as after the focused one was removed. */
function focusIsLost(): boolean {
  return document.activeElement === null || document.activeElement === document.body;
}

/** The live page of one job: file and status, progress, figures, row errors, then how it ended and its counts. */
export function JobView({ jobId }: { jobId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const live = useJobProgress(jobId);
  const connection = useLiveConnection();
  const stored = useQuery(trpc.upload.get.queryOptions({ jobId }));
  const templates = useQuery(trpc.upload.templates.queryOptions());
  const headingRef = useRef<HTMLHeadingElement>(null);
  const stoppedRef = useRef<HTMLHeadingElement>(null);
  const job = jobDisplay(live, stored.data);
  const label = templateLabel(job?.templateName ?? stored.data?.templateName ?? '', templates.data);
  const name = job?.fileName ?? `${label} import`;
  const ended = job !== undefined && isTerminalStatus(job.status);
  const storedEnded = stored.data !== undefined && isTerminalStatus(stored.data.status);
  const stopped = job !== undefined && isStoppedPhase(job.phase);

  // An ended job's exact counts are in storage (a stopped job's error event carries none), and the list changed.
  useEffect(() => {
    if (!ended) return;
    if (!storedEnded) void queryClient.invalidateQueries({ queryKey: trpc.upload.get.queryKey({ jobId }) });
    void queryClient.invalidateQueries({ queryKey: trpc.upload.list.queryKey() });
  }, [ended, storedEnded, jobId, queryClient, trpc]);

  const known = job !== undefined;
  useEffect(() => {
    if (known && focusIsLost()) headingRef.current?.focus();
  }, [known]);
  useEffect(() => {
    if (stopped && focusIsLost()) stoppedRef.current?.focus();
  }, [stopped]);
  useEffect(() => {
    if (known) document.title = `${name} · jobstream`;
  }, [known, name]);

  const missing = MISSING.has(trpcErrorCode(stored.error) ?? '') || MISSING.has(trpcErrorCode(live.error) ?? '');
  if (missing) {
    return (
      <StatePanel
        title="Job not found"
        headingLevel={1}
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
    if (stored.isError) {
      return (
        <StatePanel
          tone="error"
          title="This import could not be loaded"
          headingLevel={1}
          onRetry={() => void stored.refetch()}
        />
      );
    }
    if (stored.failureCount > 0) return <UnreachablePanel headingLevel={1} onRetry={() => void stored.refetch()} />;
    return <StatePanel tone="loading" title="Loading import…" headingLevel={1} />;
  }

  const notLive = !ended && isNotLive(connection.status);
  // An error the server answered with (not a dropped connection, which the socket recovers from by itself).
  const streamStopped = !ended && live.error !== null && trpcErrorCode(live.error) !== undefined;
  return (
    <div
      className="stack"
      data-testid="job-view"
      data-status={job.status}
      data-phase={job.phase}
      data-live={String(!notLive)}
    >
      <Link href="/jobs" className="back-link">
        ← All jobs
      </Link>
      <JobHeader
        job={job}
        title={name}
        templateLabel={label}
        createdAt={stored.data?.createdAt}
        notLive={notLive}
        headingRef={headingRef}
      />
      <JobProgressCard jobId={jobId} job={job} name={name} notLive={notLive} />
      {streamStopped ? (
        <p className="notice notice--neutral" role="alert">
          Updates for this import stopped.{' '}
          <button type="button" className="link-button" onClick={live.retry}>
            Resume updates
          </button>
        </p>
      ) : null}
      {job.phase === 'cancelled' || job.phase === 'interrupted' || job.phase === 'failed' ? (
        <JobStoppedNotice phase={job.phase} reason={job.reason} headingRef={stoppedRef} />
      ) : null}
      {job.outcome ? <JobSummary outcome={job.outcome} stopped={stopped} /> : null}
      <RowErrors jobId={jobId} fileName={job.fileName} errors={job.errors} rejected={job.rejected} finished={ended} />
      <JobAnnouncer job={job} />
    </div>
  );
}
