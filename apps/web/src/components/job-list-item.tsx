import Link from 'next/link';
import type { StoredJob } from '@/lib/api-types';
import { formatBytes } from '@/lib/format-bytes';
import { formatCount } from '@/lib/format-count';
import { formatDuration } from '@/lib/format-duration';
import { formatRelativeTime } from '@/lib/format-relative-time';
import { isEndedPhase, type JobPhase, jobPhase } from '@/lib/job-phase';
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
  /** Updates are not live: a running row shows its last known state as such. */
  notLive: boolean;
}

function countsOf(state: JobRowState): string {
  const parts = [`${formatCount(state.inserted)} inserted`, `${formatCount(state.updated)} updated`];
  if (state.failed > 0) parts.push(`${formatCount(state.failed)} rejected`);
  return parts.join(' · ');
}

function detailOf(state: JobRowState, phase: JobPhase): string {
  switch (phase) {
    case 'started':
    case 'processing': {
      const of = state.total === null ? '' : ` of ${formatCount(state.total)}`;
      return `${formatCount(state.processed)}${of} rows`;
    }
    case 'completed':
      return countsOf(state);
    default:
      return `${state.message} · ${countsOf(state)} before it stopped`;
  }
}

/** One job in the list: its file, what and when, its status, and its progress or outcome; the row links to the job. */
export function JobListItem({ job, state, label, now, notLive }: JobListItemProps) {
  const phase = jobPhase(state.status, state.message);
  const running = !isEndedPhase(phase);
  const meta = [
    job.fileName === undefined ? undefined : label,
    job.fileBytes === undefined ? undefined : formatBytes(job.fileBytes),
    state.total === null ? undefined : `${formatCount(state.total)} rows`,
    formatRelativeTime(job.createdAt, now),
    state.durationMs === null ? undefined : `took ${formatDuration(state.durationMs)}`,
  ].filter((part) => part !== undefined);
  return (
    <li
      className="job-item"
      data-testid="job-item"
      data-job-id={job.jobId}
      data-status={state.status}
      data-phase={phase}
    >
      <Link href={`/jobs/${job.jobId}`} className="job-item__link">
        <span className="job-item__main">
          <span className="job-item__title">{job.fileName ?? `${label} import`}</span>
          <span className="job-item__meta">{meta.join(' · ')}</span>
        </span>
        <span className="job-item__detail">
          {running ? (
            <ProgressBar
              value={state.progress}
              label={`${job.fileName ?? label} progress`}
              size="small"
              tone={notLive ? 'neutral' : 'active'}
            />
          ) : null}
          <span className={`job-item__detail-text${running ? '' : ' job-item__detail-text--full'}`}>
            {detailOf(state, phase)}
          </span>
        </span>
        <StatusBadge phase={phase} notLive={notLive && running} />
      </Link>
    </li>
  );
}
