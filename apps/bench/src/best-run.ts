import type { ServerRow, ServerScenarioId } from './results';

/** The metric that picks a scenario's best run, and which way is better. */
const PRIMARY_METRIC: Record<ServerScenarioId, { key: string; better: 'lower' | 'higher' }> = {
  S1: { key: 'cpuMicrosPerMsg', better: 'lower' },
  'S1-latency': { key: 'p99Ms', better: 'lower' },
  S2: { key: 'eventsPerSec', better: 'higher' },
  S3: { key: 'bytesPerSubscriber', better: 'lower' },
  'redis-memory': { key: 'bytesPerJob', better: 'lower' },
};

function score(row: ServerRow): number {
  const { key, better } = PRIMARY_METRIC[row.scenario];
  const value = row.metrics[key];
  if (value === undefined || !Number.isFinite(value)) return Number.NEGATIVE_INFINITY;
  return better === 'lower' ? -value : value;
}

/**
 * Combines repeated runs of one scenario on one server: the best passing run's numbers (other work on a shared
 * machine only ever makes a run look worse), failed if any run failed, every run's metrics kept.
 */
export function combineRuns(runs: readonly ServerRow[]): ServerRow {
  const [first] = runs;
  if (!first) throw new Error('no runs to combine');
  const passing = runs.filter((run) => run.check.ok);
  const best = (passing.length > 0 ? passing : runs).reduce((a, b) => (score(b) > score(a) ? b : a));
  const problems = runs.flatMap((run, i) =>
    run.check.problems.map((problem) => (runs.length > 1 ? `run ${i + 1}: ${problem}` : problem)),
  );
  return { ...best, check: { ok: problems.length === 0, problems }, runs: runs.map((run) => run.metrics) };
}
