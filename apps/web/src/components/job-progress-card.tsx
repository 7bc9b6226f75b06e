import { isTerminalStatus } from '@jobstream/contracts';
import { formatCount } from '@/lib/format-count';
import type { JobDisplay } from '@/lib/job-display';
import { CancelJobButton } from './cancel-job-button';
import { JobLiveStats } from './job-live-stats';
import { ProgressBar } from './progress-bar';

function toneOf(job: JobDisplay): 'active' | 'success' | 'danger' {
  if (job.status === 'completed') return 'success';
  if (job.status === 'failed') return 'danger';
  return 'active';
}

function messageOf(job: JobDisplay, running: boolean): string {
  if (job.status === 'failed') {
    if (job.processed === undefined) return `Stopped at ${Math.round(job.progress)}%`;
    const of = job.total === undefined ? '' : ` of ${formatCount(job.total)}`;
    return `Stopped after ${formatCount(job.processed)}${of} rows`;
  }
  if (job.status === 'completed' && job.totals) {
    const { inserted, updated, processed } = job.totals;
    return `Imported ${formatCount(inserted + updated)} of ${formatCount(processed)} rows`;
  }
  return job.message || (running ? 'Working…' : '');
}

/** The job's progress bar, the server's message and, while it runs, the live figures and a cancel button. */
export function JobProgressCard({ jobId, job }: { jobId: string; job: JobDisplay }) {
  const running = !isTerminalStatus(job.status);
  const indeterminate = job.status === 'started' && job.progress === 0;
  return (
    <section className="card job-progress" aria-label="Progress">
      <div className="job-progress__top">
        <p className="job-progress__message" data-testid="job-message" aria-live="polite">
          {messageOf(job, running)}
        </p>
        <span className="job-progress__percent numeric" aria-hidden="true">
          {Math.round(job.progress)}%
        </span>
      </div>
      <ProgressBar value={indeterminate ? undefined : job.progress} label="Import progress" tone={toneOf(job)} />
      {running ? (
        <>
          <JobLiveStats job={job} />
          <div className="job-progress__actions">
            <CancelJobButton jobId={jobId} />
          </div>
        </>
      ) : null}
    </section>
  );
}
