import { formatCount } from '@/lib/format-count';
import { formatEta } from '@/lib/format-eta';
import { formatRate } from '@/lib/format-rate';
import type { JobDisplay } from '@/lib/job-display';
import { Stat } from './stat';

/**
 * Rows processed, speed and time left of a running job; speed and time left appear once they are meaningful, and
 * not at all while updates are not live (they would be frozen guesses).
 */
export function JobLiveStats({ job, notLive }: { job: JobDisplay; notLive: boolean }) {
  const rate = notLive ? '—' : job.rate === undefined ? 'Measuring…' : formatRate(job.rate);
  const eta = notLive ? '—' : job.eta === undefined ? 'Estimating…' : formatEta(job.eta);
  return (
    <dl className="stats">
      <Stat label="Rows processed">
        <span data-testid="processed">
          {job.processed === undefined ? '—' : formatCount(job.processed)}
          {job.total === undefined ? null : <span className="stat__of"> of {formatCount(job.total)}</span>}
        </span>
      </Stat>
      <Stat label="Speed">
        <span data-testid="rate">{rate}</span>
      </Stat>
      <Stat label="Time left">
        <span data-testid="eta">{eta}</span>
      </Stat>
      <Stat label="Rows rejected" tone={job.rejected > 0 ? 'danger' : 'neutral'}>
        {formatCount(job.rejected)}
      </Stat>
    </dl>
  );
}
