import { formatCount } from '@/lib/format-count';
import { formatDuration } from '@/lib/format-duration';
import type { JobOutcome } from '@/lib/job-display';
import { outcomeSentence } from '@/lib/outcome-sentence';
import { Stat } from './stat';

/** The committed counts of an ended import, in a sentence and as figures; `stopped` for one that ended early. */
export function JobSummary({ outcome, stopped }: { outcome: JobOutcome; stopped: boolean }) {
  return (
    <section className="card summary" aria-labelledby="summary-title">
      <h2 id="summary-title" className="section-title">
        Summary
      </h2>
      <p data-testid="outcome-sentence">{outcomeSentence(outcome, stopped)}</p>
      <dl className="stats" data-testid="summary">
        <Stat label="Inserted" tone="success">
          <span data-testid="inserted">{formatCount(outcome.inserted)}</span>
        </Stat>
        <Stat label="Updated">
          <span data-testid="updated">{formatCount(outcome.updated)}</span>
        </Stat>
        <Stat label="Rejected" tone={outcome.failed > 0 ? 'danger' : 'neutral'}>
          <span data-testid="failed">{formatCount(outcome.failed)}</span>
        </Stat>
        <Stat label="Duration">
          <span data-testid="duration">
            {outcome.durationMs === undefined ? '—' : formatDuration(outcome.durationMs)}
          </span>
        </Stat>
      </dl>
    </section>
  );
}
