import { formatCount } from '@/lib/format-count';
import type { JobDisplay } from '@/lib/job-display';
import { isEndedPhase, type JobPhase } from '@/lib/job-phase';
import { CancelJobButton } from './cancel-job-button';
import { JobLiveStats } from './job-live-stats';
import { ProgressBar, type ProgressBarProps } from './progress-bar';

const TONES: Record<JobPhase, ProgressBarProps['tone']> = {
  started: 'active',
  processing: 'active',
  completed: 'success',
  cancelled: 'neutral',
  interrupted: 'warning',
  failed: 'danger',
};

function rowsOf(job: JobDisplay): string {
  const processed = formatCount(job.processed ?? 0);
  return job.total === undefined ? `${processed} rows` : `${processed} of ${formatCount(job.total)} rows`;
}

function messageOf(job: JobDisplay, notLive: boolean): string {
  if (notLive) return `Last known: ${rowsOf(job)}`;
  switch (job.phase) {
    case 'started':
      return job.total === undefined ? 'Starting…' : `Queued ${formatCount(job.total)} rows`;
    case 'processing':
      return `Processing ${rowsOf(job)}`;
    case 'completed':
      return job.outcome
        ? `Imported ${formatCount(job.outcome.inserted + job.outcome.updated)} of ${formatCount(job.outcome.processed)} rows`
        : 'Completed';
    default:
      return job.processed === undefined ? `Stopped at ${Math.round(job.progress)}%` : `Stopped after ${rowsOf(job)}`;
  }
}

/** Props of `JobProgressCard`. */
export interface JobProgressCardProps {
  jobId: string;
  job: JobDisplay;
  /** The page's name for the job, for the cancel confirmation. */
  name: string;
  /** Updates are not live: the figures are the last ones known, shown greyed, without speed or time left. */
  notLive: boolean;
}

/** The job's progress bar and rows, and while it runs the live figures and a cancel button. */
export function JobProgressCard({ jobId, job, name, notLive }: JobProgressCardProps) {
  const running = !isEndedPhase(job.phase);
  const indeterminate = job.phase === 'started' && job.progress === 0;
  return (
    <section className={`card job-progress${notLive ? ' job-progress--not-live' : ''}`} aria-label="Progress">
      <div className="job-progress__top">
        <p className="job-progress__message" data-testid="job-message">
          {messageOf(job, notLive)}
        </p>
        <span className="job-progress__percent numeric" aria-hidden="true">
          {Math.round(job.progress)}%
        </span>
      </div>
      <ProgressBar
        value={indeterminate ? undefined : job.progress}
        label="Import progress"
        tone={notLive ? 'neutral' : TONES[job.phase]}
      />
      {running ? (
        <>
          <JobLiveStats job={job} notLive={notLive} />
          <div className="job-progress__actions">
            <CancelJobButton jobId={jobId} name={name} />
          </div>
        </>
      ) : null}
    </section>
  );
}
