import { isTerminalStatus } from '@jobstream/contracts';
import Link from 'next/link';
import type { StoredJob } from '@/lib/api-types';
import { formatCount } from '@/lib/format-count';
import { formatDuration } from '@/lib/format-duration';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { ProgressBar } from './progress-bar';
import { StatusBadge } from './status-badge';

/** The part of a job a list row shows, from storage or the live stream. */
export type JobRowState = Pick<
  StoredJob,
  'status' | 'progress' | 'processed' | 'total' | 'inserted' | 'updated' | 'failed' | 'durationMs' | 'message'
>;

/** Props of `JobListItem`. */
export interface JobListItemProps {
  job: StoredJob;
  state: JobRowState;
  label: string;
  now: Date;
}

function detailOf(state: JobRowState): string {
  if (state.status === 'completed') {
    const parts = [`${formatCount(state.inserted)} inserted`, `${formatCount(state.updated)} updated`];
    if (state.failed > 0) parts.push(`${formatCount(state.failed)} rejected`);
    return parts.join(' · ');
  }
  if (state.status === 'failed') return state.message;
  const of = state.total === null ? '' : ` of ${formatCount(state.total)}`;
  return `${formatCount(state.processed)}${of} rows`;
}

/** One job in the list: what, when, status, and its progress or outcome; the whole row links to the job. */
export function JobListItem({ job, state, label, now }: JobListItemProps) {
  const running = !isTerminalStatus(state.status);
  return (
    <li className="job-item" data-testid="job-item" data-job-id={job.jobId} data-status={state.status}>
      <Link href={`/jobs/${job.jobId}`} className="job-item__link">
        <span className="job-item__main">
          <span className="job-item__title">{label} import</span>
          <span className="job-item__meta">
            {formatRelativeTime(job.createdAt, now)}
            {state.durationMs === null ? null : ` · took ${formatDuration(state.durationMs)}`}
          </span>
        </span>
        <span className="job-item__detail">
          {running ? <ProgressBar value={state.progress} label={`${label} import progress`} size="small" /> : null}
          <span className="job-item__detail-text">{detailOf(state)}</span>
        </span>
        <StatusBadge status={state.status} />
      </Link>
    </li>
  );
}
