import { formatCount } from './format-count';
import type { JobOutcome } from './job-display';

/** "1,000 rows inserted, 5 updated, 2 rejected." — with "before it stopped" for a job that ended early. */
export function outcomeSentence(outcome: JobOutcome, stopped: boolean): string {
  const rows = outcome.inserted === 1 ? 'row' : 'rows';
  const counts = `${formatCount(outcome.inserted)} ${rows} inserted, ${formatCount(outcome.updated)} updated, ${formatCount(outcome.failed)} rejected`;
  return `${counts}${stopped ? ' before it stopped' : ''}.`;
}
