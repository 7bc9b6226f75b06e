import type { EmitReport, FloodParams, LoadReport, ResourceSample } from '../protocol';
import type { GcPauses } from '../servers/gc-pauses';
import type { Pair } from './pair';

/** Longest wait for the last terminal event after emitting stopped. */
const TERMINAL_TIMEOUT_MS = 60_000;

/** A measured phase: what was emitted and received, and the server's CPU time over it. */
export interface PhaseResult {
  emitted: EmitReport;
  load: LoadReport;
  /** Server CPU time from the first emit until every terminal event was received, µs (a cluster's: both instances'). */
  cpuMicros: number;
  /** A cluster's: its subscribers' instance's share of `cpuMicros`, and redis-server's CPU time beside it, µs. */
  cluster?: { subscribersCpuMicros: number; redisCpuMicros: number };
  /** From the first emit to the last terminal event received, µs. */
  durationMicros: number;
  /** The server's GC pauses after emitting (the completions and their delivery); those before are in `emitted.emitGc`. */
  gc: GcPauses;
}

/** Floods the subscribers unmeasured for `flood.maxMs` and waits until they caught up, so the measured phase runs warm code. */
export async function warmUp(pair: Pair, flood: FloodParams): Promise<void> {
  if (flood.maxMs <= 0) return;
  await pair.load.call('reset', { recordLatency: false });
  await pair.server.call('warm', flood);
}

/** A cluster's other processes' CPU time now: its subscribers' instance's and redis-server's, µs. */
async function clusterCpu(pair: Pair): Promise<{ subscribers: number; redis: number } | undefined> {
  if (!pair.cluster) return undefined;
  const [subscribers, redis] = await Promise.all([
    pair.cluster.subscribers.call('sample', { gc: false }),
    pair.cluster.backends.redisCpuMicros(),
  ]);
  return { subscribers: subscribers.cpuMicros, redis };
}

/**
 * Resets the load generator's counters, runs `emit` on the server, waits for the terminal events, samples CPU (of a
 * cluster's subscribers' instance and redis-server too, from just before `emit` to the same end).
 */
export async function runPhase(options: {
  pair: Pair;
  recordLatency: boolean;
  emit: () => Promise<EmitReport>;
}): Promise<PhaseResult> {
  const { pair, recordLatency, emit } = options;
  await pair.load.call('reset', { recordLatency });
  const clusterAtStart = await clusterCpu(pair);
  const emitted = await emit();
  const load = await pair.load.call('awaitTerminals', { timeoutMs: TERMINAL_TIMEOUT_MS });
  const end = await pair.server.call('sample', { gc: false });
  const clusterAtEnd = await clusterCpu(pair);
  const lastReceive = load.lastReceiveAtMicros || emitted.endedAtMicros;
  const cluster =
    clusterAtStart && clusterAtEnd
      ? {
          subscribersCpuMicros: clusterAtEnd.subscribers - clusterAtStart.subscribers,
          redisCpuMicros: clusterAtEnd.redis - clusterAtStart.redis,
        }
      : undefined;
  return {
    emitted,
    load,
    cpuMicros: end.cpuMicros - emitted.atStart.cpuMicros + (cluster?.subscribersCpuMicros ?? 0),
    ...(cluster ? { cluster } : {}),
    gc: end.gc,
    durationMicros: Math.max(1, lastReceive - emitted.startedAtMicros),
  };
}

/** Resources of the process the subscribers are connected to: the server, or a cluster's subscribers' instance. */
export function sampleSubscribersHost(pair: Pair, options: { gc: boolean }): Promise<ResourceSample> {
  return pair.cluster ? pair.cluster.subscribers.call('sample', options) : pair.server.call('sample', options);
}

/**
 * A cluster's CPU per delivered message of its subscribers' instance alone and of redis-server (which `cpuMicros`
 * does not count), µs, and the subscribers' instance's CPU in % of one core; nothing for other servers.
 */
export function clusterCpuMetrics(phase: PhaseResult): Record<string, number> {
  if (!phase.cluster) return {};
  const { subscribersCpuMicros, redisCpuMicros } = phase.cluster;
  const delivered = phase.load.delivered === 0 ? Number.NaN : phase.load.delivered;
  return {
    subscribersCpuMicrosPerMsg: subscribersCpuMicros / delivered,
    redisCpuMicrosPerMsg: redisCpuMicros / delivered,
    subscribersCpuPct: (100 * subscribersCpuMicros) / phase.durationMicros,
  };
}

/** Server CPU µs per delivered message. */
export function cpuPerMessage(phase: PhaseResult): number {
  return phase.load.delivered === 0 ? Number.NaN : phase.cpuMicros / phase.load.delivered;
}

/** How busy the server and the load generator were over the phase, in % of one core. */
export function utilization(phase: PhaseResult): { serverCpuPct: number; loadCpuPct: number } {
  return {
    serverCpuPct: (100 * phase.cpuMicros) / phase.durationMicros,
    loadCpuPct: (100 * phase.load.loadCpuMicros) / phase.durationMicros,
  };
}
