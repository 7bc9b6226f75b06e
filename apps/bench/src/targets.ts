import type { BenchResults, ImportRow, ImportStore, ImportVariant, ServerRow, ServerScenarioId } from './results';
import { LABEL_OF, type ServerKind } from './server-kinds';

/** Collections that stop the server for longer than this count as latency spikes. */
export const GC_SPIKE_MS = 2;

/** Whether a target was met in this run. */
export interface TargetResult {
  name: string;
  status: 'met' | 'not met' | 'not measured';
  detail: string;
}

function row(results: BenchResults, scenario: ServerScenarioId, server: ServerKind): ServerRow | undefined {
  return results.servers.find((r) => r.scenario === scenario && r.server === server);
}

function metric(r: ServerRow | undefined, key: string): number | undefined {
  const value = r?.check.ok ? r.metrics[key] : undefined;
  return value !== undefined && Number.isFinite(value) ? value : undefined;
}

function compare(options: {
  name: string;
  /** The server compared with Socket.IO (default jobstream). */
  server?: ServerKind;
  ours: number | undefined;
  theirs: number | undefined;
  better: 'lower' | 'higher';
  /** The target as a multiple of Socket.IO's value (default 1: at least as good). */
  factor?: number;
  format: (value: number) => string;
}): TargetResult {
  const { name, server = 'jobstream', ours, theirs, better, factor = 1, format } = options;
  if (ours === undefined || theirs === undefined) {
    return { name, status: 'not measured', detail: 'a row is missing or failed its delivery check' };
  }
  const met = better === 'lower' ? ours <= factor * theirs : ours >= factor * theirs;
  const detail = `${LABEL_OF[server]} ${format(ours)} vs Socket.IO ${format(theirs)} (${(ours / theirs).toFixed(2)}x)`;
  return { name, status: met ? 'met' : 'not met', detail };
}

function fastest(rows: readonly ImportRow[], store: ImportStore, variant: ImportVariant): number | undefined {
  const speeds = rows.filter((r) => r.store === store && r.variant === variant && r.check.ok).map((r) => r.rowsPerSec);
  return speeds.length > 0 ? Math.max(...speeds) : undefined;
}

/** The largest (slowest - fastest) / fastest over a store's engine variants' runs: the noise of one comparison. */
function spreadOf(rows: readonly ImportRow[], store: ImportStore): number {
  const spreads = (['engine-progress-off', 'engine-progress-on'] as const).map((variant) => {
    const times = rows.filter((r) => r.store === store && r.variant === variant && r.check.ok).map((r) => r.elapsedMs);
    return times.length < 2 ? 0 : (Math.max(...times) - Math.min(...times)) / Math.min(...times);
  });
  return Math.max(...spreads);
}

const MISSING_IMPORT = 'an import run is missing or failed its check';

/** The full import (progress on) against its store's bare loop: at least 70% of its rows/s. */
function fullImportTarget(results: BenchResults, store: ImportStore, name: string): TargetResult {
  const rows = results.imports ?? [];
  const notMeasured = results.importsNotMeasured?.find((m) => m.store === store);
  if (notMeasured) return { name, status: 'not measured', detail: notMeasured.reason };
  const bare = fastest(rows, store, 'bare-loop');
  const on = fastest(rows, store, 'engine-progress-on');
  if (bare === undefined || on === undefined) return { name, status: 'not measured', detail: MISSING_IMPORT };
  return {
    name,
    status: on / bare >= 0.7 ? 'met' : 'not met',
    detail: `${((100 * on) / bare).toFixed(0)}% (${Math.round(on)} vs ${Math.round(bare)} rows/s)`,
  };
}

/** What progress reporting costs an import into SQLite, timed directly, with the A/B difference beside it. */
function reportingCostTarget(results: BenchResults): TargetResult {
  const rows = results.imports ?? [];
  const name = 'S4 progress reporting costs < 2% of import throughput';
  const off = fastest(rows, 'sqlite', 'engine-progress-off');
  const on = fastest(rows, 'sqlite', 'engine-progress-on');
  const shares = rows
    .filter((r) => r.store === 'sqlite' && r.variant === 'engine-progress-on' && r.check.ok)
    .flatMap((r) => (r.reportingMs === undefined ? [] : [r.reportingMs / r.elapsedMs]));
  if (off === undefined || on === undefined || shares.length === 0) {
    return { name, status: 'not measured', detail: MISSING_IMPORT };
  }
  return {
    name,
    status: Math.max(...shares) < 0.02 ? 'met' : 'not met',
    detail:
      `reporter calls took at most ${(100 * Math.max(...shares)).toFixed(2)}% of a run (timed directly); ` +
      `fastest runs with and without differ by ${((100 * (off - on)) / off).toFixed(1)}% ` +
      `(${Math.round(on)} vs ${Math.round(off)} rows/s; repeated runs of one variant spread up to ${(100 * spreadOf(rows, 'sqlite')).toFixed(0)}%)`,
  };
}

function importTargets(results: BenchResults): TargetResult[] {
  return [
    reportingCostTarget(results),
    fullImportTarget(results, 'sqlite', 'S4 full import (progress on) >= 70% of the bare loop'),
    fullImportTarget(results, 'postgres', 'S4 PostgreSQL full import (progress on) >= 70% of the bare COPY loop'),
  ];
}

/** GC pauses above `GC_SPIKE_MS` in every round of a row (the best round alone could hide them), and the longest. */
function gcSpikesOfEveryRound(r: ServerRow | undefined): { spikes: number; longest: number } | undefined {
  if (!r?.check.ok) return undefined;
  const rounds = r.runs ?? [r.metrics];
  return {
    spikes: rounds.reduce((sum, round) => sum + (round.gcSpikes ?? 0), 0),
    longest: Math.max(...rounds.map((round) => round.gcMaxPauseMs ?? 0)),
  };
}

/**
 * p99 under 2 ms with no GC pause above 2 ms while emitting at the fixed rate, in any round; raw ws's pauses in
 * the same run are shown beside ours.
 */
function latencyTarget(results: BenchResults): TargetResult {
  const name = `S1-latency p99 < 2 ms at 2,000 msgs/s, no GC pause > ${GC_SPIKE_MS} ms`;
  const ours = row(results, 'S1-latency', 'jobstream');
  const p99 = metric(ours, 'p99Ms');
  const gc = gcSpikesOfEveryRound(ours);
  if (p99 === undefined || gc === undefined) {
    return { name, status: 'not measured', detail: 'the jobstream row is missing or failed its check' };
  }
  const raw = gcSpikesOfEveryRound(row(results, 'S1-latency', 'raw-ws'));
  const beside = raw === undefined ? '' : ` (raw ws: ${raw.spikes})`;
  const rounds = ours?.runs?.length ?? 1;
  return {
    name,
    status: p99 < 2 && gc.spikes === 0 ? 'met' : 'not met',
    detail: `p99 ${p99.toFixed(2)} ms, ${gc.spikes} GC pause(s) > ${GC_SPIKE_MS} ms in ${rounds} round(s)${beside}, longest ${gc.longest.toFixed(2)} ms`,
  };
}

/** The cluster's targets' verdict when a row is missing: why the cluster was not run, if it was not. */
function clusterNotMeasured(results: BenchResults, name: string, missing: string): TargetResult {
  const reason = results.serversNotMeasured?.find((m) => m.server === 'jobstream-cluster')?.reason;
  return { name, status: 'not measured', detail: reason ?? missing };
}

/** Most p99 latency two instances on one Redis may add to in-process delivery, ms. */
export const CLUSTER_ADDED_P99_MS = 5;
/** Most Redis memory one job's keys may take with the default 256-event ring, bytes. */
export const REDIS_BYTES_PER_JOB = 64 * 1024;

/** The cluster (two instances on one Redis) against in-process jobstream in the same run, and its Redis memory. */
function clusterTargets(results: BenchResults): TargetResult[] {
  const latencyName = `S1-latency: two instances on one Redis add < ${CLUSTER_ADDED_P99_MS} ms at p99 to in-process jobstream (2,000 msgs/s)`;
  const clusterP99 = metric(row(results, 'S1-latency', 'jobstream-cluster'), 'p99Ms');
  const localP99 = metric(row(results, 'S1-latency', 'jobstream'), 'p99Ms');
  const latency: TargetResult =
    clusterP99 === undefined || localP99 === undefined
      ? clusterNotMeasured(
          results,
          latencyName,
          'the jobstream or jobstream-cluster row is missing or failed its check',
        )
      : {
          name: latencyName,
          status: clusterP99 - localP99 < CLUSTER_ADDED_P99_MS ? 'met' : 'not met',
          detail: `p99 ${clusterP99.toFixed(2)} ms vs in-process ${localP99.toFixed(2)} ms (+${(clusterP99 - localP99).toFixed(2)} ms)`,
        };

  const memoryName = `Redis memory per job (stream + meta, 256-event ring) <= ${REDIS_BYTES_PER_JOB / 1024} KB`;
  const redisRow = row(results, 'redis-memory', 'jobstream-cluster');
  const bytes = metric(redisRow, 'bytesPerJob');
  const memory: TargetResult =
    bytes === undefined
      ? clusterNotMeasured(results, memoryName, 'the redis-memory row is missing or failed its check')
      : {
          name: memoryName,
          status: bytes <= REDIS_BYTES_PER_JOB ? 'met' : 'not met',
          detail:
            `${(bytes / 1024).toFixed(1)} KB, ${redisRow?.metrics.streamEntries} stream entries ` +
            `(events carrying ${redisRow?.metrics.rowErrors} row errors each: ${((redisRow?.metrics.bytesPerJobWithRowErrors ?? Number.NaN) / 1024).toFixed(1)} KB)`,
        };

  const s3Name = "S3 memory per idle subscriber on the subscribers' instance <= in-process jobstream's";
  const ours = metric(row(results, 'S3', 'jobstream-cluster'), 'bytesPerSubscriber');
  const theirs = metric(row(results, 'S3', 'jobstream'), 'bytesPerSubscriber');
  const s3: TargetResult =
    ours === undefined || theirs === undefined
      ? clusterNotMeasured(results, s3Name, 'the jobstream or jobstream-cluster row is missing or failed its check')
      : {
          name: s3Name,
          status: ours <= theirs ? 'met' : 'not met',
          detail: `cluster ${(ours / 1024).toFixed(1)} KB vs in-process ${(theirs / 1024).toFixed(1)} KB (${(ours / theirs).toFixed(2)}x)`,
        };
  return [latency, memory, s3];
}

/** The targets for this project's server, judged on this run's numbers. */
export function evaluateTargets(results: BenchResults): TargetResult[] {
  return [
    compare({
      name: "S1 server CPU per delivered message <= 0.8x Socket.IO's",
      ours: metric(row(results, 'S1', 'jobstream'), 'cpuMicrosPerMsg'),
      theirs: metric(row(results, 'S1', 'socketio'), 'cpuMicrosPerMsg'),
      better: 'lower',
      factor: 0.8,
      format: (v) => `${v.toFixed(1)} us`,
    }),
    latencyTarget(results),
    compare({
      name: "S2 events/s to 1,000 subscribers >= 1.2x Socket.IO's",
      ours: metric(row(results, 'S2', 'jobstream'), 'eventsPerSec'),
      theirs: metric(row(results, 'S2', 'socketio'), 'eventsPerSec'),
      better: 'higher',
      factor: 1.2,
      format: (v) => v.toFixed(1),
    }),
    compare({
      name: "S3 memory per idle subscriber <= Socket.IO's",
      ours: metric(row(results, 'S3', 'jobstream'), 'bytesPerSubscriber'),
      theirs: metric(row(results, 'S3', 'socketio'), 'bytesPerSubscriber'),
      better: 'lower',
      format: (v) => `${(v / 1024).toFixed(1)} KB`,
    }),
    // The compatibility path does less than a room broadcast (each subscriber is already a subscription of the log).
    compare({
      name: "S1 Socket.IO compat path CPU per delivered message <= Socket.IO's",
      server: 'jobstream-socketio',
      ours: metric(row(results, 'S1', 'jobstream-socketio'), 'cpuMicrosPerMsg'),
      theirs: metric(row(results, 'S1', 'socketio'), 'cpuMicrosPerMsg'),
      better: 'lower',
      format: (v) => `${v.toFixed(1)} us`,
    }),
    compare({
      name: "S3 Socket.IO compat path memory per idle subscriber <= Socket.IO's",
      server: 'jobstream-socketio',
      ours: metric(row(results, 'S3', 'jobstream-socketio'), 'bytesPerSubscriber'),
      theirs: metric(row(results, 'S3', 'socketio'), 'bytesPerSubscriber'),
      better: 'lower',
      format: (v) => `${(v / 1024).toFixed(1)} KB`,
    }),
    ...clusterTargets(results),
    ...importTargets(results),
  ];
}
