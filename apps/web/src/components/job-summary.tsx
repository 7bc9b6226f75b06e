import { formatCount } from '@/lib/format-count';
import { formatDuration } from '@/lib/format-duration';
import type { JobTotals } from '@/lib/job-display';
import { Stat } from './stat';

/** The counts of a completed import. */
export function JobSummary({ totals }: { totals: JobTotals }) {
  return (
    <section className="card summary" aria-labelledby="summary-title">
      <h2 id="summary-title" className="section-title">
        Summary
      </h2>
      <dl className="stats" data-testid="summary">
        <Stat label="Inserted" tone="success">
          <span data-testid="inserted">{formatCount(totals.inserted)}</span>
        </Stat>
        <Stat label="Updated">
          <span data-testid="updated">{formatCount(totals.updated)}</span>
        </Stat>
        <Stat label="Rejected" tone={totals.failed > 0 ? 'danger' : 'neutral'}>
          <span data-testid="failed">{formatCount(totals.failed)}</span>
        </Stat>
        <Stat label="Duration">
          <span data-testid="duration">
            {totals.durationMs === undefined ? '—' : formatDuration(totals.durationMs)}
          </span>
        </Stat>
      </dl>
    </section>
  );
}
