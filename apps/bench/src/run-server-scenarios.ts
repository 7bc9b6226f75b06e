import { combineRuns } from './best-run';
import { type LoadGenerator, startLoadGenerator } from './load/load-generator';
import type { BenchResults, ServerRow, ServerScenarioId } from './results';
import { ClusterBackends } from './scenarios/cluster-backends';
import { runRedisMemory } from './scenarios/redis-memory';
import { runS1Latency } from './scenarios/s1-latency';
import { runS1Throughput } from './scenarios/s1-throughput';
import { runS2Fanout } from './scenarios/s2-fanout';
import { runS3Memory } from './scenarios/s3-memory';
import { isClusterKind, type ServerKind } from './server-kinds';
import type { Sizes } from './sizes';

/** The server scenarios in run order. */
export const SERVER_SCENARIOS: readonly ServerScenarioId[] = ['S1', 'S1-latency', 'S2', 'S3', 'redis-memory'];

type Run = { kind: ServerKind; sizes: Sizes; load: LoadGenerator; cpuProfileDir?: string; backends?: ClusterBackends };

const RUNNERS: Record<ServerScenarioId, (run: Run) => Promise<ServerRow>> = {
  S1: ({ sizes, ...run }) => runS1Throughput({ ...run, sizes: sizes.s1, warmupMs: sizes.warmupMs }),
  'S1-latency': ({ sizes, ...run }) =>
    runS1Latency({ ...run, sizes: sizes.s1Latency, warmupMs: sizes.warmupMs, warmupFlood: sizes.s1 }),
  S2: ({ sizes, ...run }) => runS2Fanout({ ...run, sizes: sizes.s2, warmupMs: sizes.warmupMs }),
  S3: ({ sizes, ...run }) => runS3Memory({ ...run, sizes: sizes.s3 }),
  'redis-memory': ({ sizes, ...run }) => runRedisMemory({ ...run, sizes: sizes.redisMemory }),
};

/** Whether a scenario measures a server: Redis memory only the servers that keep their events in Redis. */
function runsOn(scenario: ServerScenarioId, kind: ServerKind): boolean {
  return scenario !== 'redis-memory' || isClusterKind(kind);
}

async function runOnce(scenario: ServerScenarioId, run: Run): Promise<ServerRow> {
  const { kind } = run;
  try {
    return await RUNNERS[scenario](run);
  } catch (error) {
    const problem = `did not run: ${error instanceof Error ? error.message : String(error)}`;
    return { scenario, server: kind, metrics: {}, check: { ok: false, problems: [problem] } };
  }
}

/** The redis-server and PostgreSQL of the cluster kinds, or why they could not start. */
async function startBackends(log: (line: string) => void): Promise<ClusterBackends | Error> {
  try {
    return await ClusterBackends.start();
  } catch (error) {
    const reason = error instanceof Error ? error : new Error(String(error));
    log(`cluster backends: not started (${reason.message})`);
    return reason;
  }
}

/**
 * Runs each scenario against each server, one server process at a time fed by one load-generator process, `sizes.repeats` rounds with the servers
 * interleaved, and keeps each server's best run (see `combineRuns`). Logs each run as it ends. The cluster kinds run
 * on one redis-server and one PostgreSQL started here for all their runs and stopped on every way out; without them
 * (not installed, say) those servers are reported as not measured, with the reason.
 */
export async function runServerScenarios(options: {
  scenarios: readonly ServerScenarioId[];
  servers: readonly ServerKind[];
  sizes: Sizes;
  log: (line: string) => void;
  /** Folder for CPU profiles of the server processes. */
  cpuProfileDir?: string;
}): Promise<Required<Pick<BenchResults, 'servers' | 'serversNotMeasured'>>> {
  const rows: ServerRow[] = [];
  const serversNotMeasured: NonNullable<BenchResults['serversNotMeasured']> = [];
  if (options.scenarios.length === 0) return { servers: rows, serversNotMeasured };
  const started = options.servers.some(isClusterKind) ? await startBackends(options.log) : undefined;
  await using backends = started instanceof Error ? undefined : started;
  const servers = options.servers.filter((kind) => {
    if (!isClusterKind(kind) || backends) return true;
    serversNotMeasured.push({ server: kind, reason: `no redis-server and PostgreSQL: ${(started as Error).message}` });
    return false;
  });
  await using load = await startLoadGenerator();
  for (const scenario of options.scenarios) {
    const kinds = servers.filter((kind) => runsOn(scenario, kind));
    const runs = new Map<ServerKind, ServerRow[]>(kinds.map((kind) => [kind, []]));
    for (let round = 1; round <= options.sizes.repeats; round++) {
      for (const kind of kinds) {
        if (isClusterKind(kind) && backends?.stopped) continue;
        const startedAt = Date.now();
        const { sizes, cpuProfileDir } = options;
        const run = await runOnce(scenario, {
          kind,
          sizes,
          load,
          ...(cpuProfileDir ? { cpuProfileDir } : {}),
          ...(isClusterKind(kind) && backends ? { backends } : {}),
        });
        runs.get(kind)?.push(run);
        const status = run.check.ok ? 'ok' : `FAIL (${run.check.problems.join('; ')})`;
        options.log(`${scenario} ${kind} run ${round}: ${((Date.now() - startedAt) / 1000).toFixed(1)} s, ${status}`);
      }
    }
    for (const kindRuns of runs.values()) if (kindRuns.length > 0) rows.push(combineRuns(kindRuns));
  }
  return { servers: rows, serversNotMeasured };
}
