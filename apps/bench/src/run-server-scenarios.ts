import { combineRuns } from './best-run';
import { type LoadGenerator, startLoadGenerator } from './load/load-generator';
import type { ServerRow, ServerScenarioId } from './results';
import { runS1Latency } from './scenarios/s1-latency';
import { runS1Throughput } from './scenarios/s1-throughput';
import { runS2Fanout } from './scenarios/s2-fanout';
import { runS3Memory } from './scenarios/s3-memory';
import type { ServerKind } from './server-kinds';
import type { Sizes } from './sizes';

/** The server scenarios in run order. */
export const SERVER_SCENARIOS: readonly ServerScenarioId[] = ['S1', 'S1-latency', 'S2', 'S3'];

type Run = { kind: ServerKind; sizes: Sizes; load: LoadGenerator; cpuProfileDir?: string };

const RUNNERS: Record<ServerScenarioId, (run: Run) => Promise<ServerRow>> = {
  S1: ({ sizes, ...run }) => runS1Throughput({ ...run, sizes: sizes.s1, warmupMs: sizes.warmupMs }),
  'S1-latency': ({ sizes, ...run }) =>
    runS1Latency({ ...run, sizes: sizes.s1Latency, warmupMs: sizes.warmupMs, warmupFlood: sizes.s1 }),
  S2: ({ sizes, ...run }) => runS2Fanout({ ...run, sizes: sizes.s2, warmupMs: sizes.warmupMs }),
  S3: ({ sizes, ...run }) => runS3Memory({ ...run, sizes: sizes.s3 }),
};

async function runOnce(scenario: ServerScenarioId, run: Run): Promise<ServerRow> {
  const { kind } = run;
  try {
    return await RUNNERS[scenario](run);
  } catch (error) {
    const problem = `did not run: ${error instanceof Error ? error.message : String(error)}`;
    return { scenario, server: kind, metrics: {}, check: { ok: false, problems: [problem] } };
  }
}

/**
 * Runs each scenario against each server, one server process at a time fed by one load-generator process, `sizes.repeats` rounds with the servers
 * interleaved, and keeps each server's best run (see `combineRuns`). Logs each run as it ends.
 */
export async function runServerScenarios(options: {
  scenarios: readonly ServerScenarioId[];
  servers: readonly ServerKind[];
  sizes: Sizes;
  log: (line: string) => void;
  /** Folder for CPU profiles of the server processes. */
  cpuProfileDir?: string;
}): Promise<ServerRow[]> {
  const rows: ServerRow[] = [];
  if (options.scenarios.length === 0) return rows;
  await using load = await startLoadGenerator();
  for (const scenario of options.scenarios) {
    const runs = new Map<ServerKind, ServerRow[]>(options.servers.map((kind) => [kind, []]));
    for (let round = 1; round <= options.sizes.repeats; round++) {
      for (const kind of options.servers) {
        const started = Date.now();
        const { sizes, cpuProfileDir } = options;
        const run = await runOnce(scenario, { kind, sizes, load, ...(cpuProfileDir ? { cpuProfileDir } : {}) });
        runs.get(kind)?.push(run);
        const status = run.check.ok ? 'ok' : `FAIL (${run.check.problems.join('; ')})`;
        options.log(`${scenario} ${kind} run ${round}: ${((Date.now() - started) / 1000).toFixed(1)} s, ${status}`);
      }
    }
    for (const kindRuns of runs.values()) rows.push(combineRuns(kindRuns));
  }
  return rows;
}
