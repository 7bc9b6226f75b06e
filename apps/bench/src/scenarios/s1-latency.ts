import type { ServerRow } from '../results';
import type { Sizes } from '../sizes';
import { checkDelivery } from './check';
import { type ScenarioOptions, startPair } from './pair';
import { clusterCpuMetrics, cpuPerMessage, runPhase, utilization, warmUp } from './phase';

/** S1-latency: S1's layout at a fixed event rate; emit-to-receive time from the timestamp in each event. */
export async function runS1Latency(
  options: ScenarioOptions<Sizes['s1Latency']> & { warmupFlood?: Sizes['s1'] },
): Promise<ServerRow> {
  const { kind, sizes } = options;
  await using pair = await startPair(kind, options);
  const { jobIds } = await pair.server.call('createJobs', { count: sizes.jobs });
  await pair.subscribe({ jobIds, subscribersPerJob: 1 });
  if (options.warmupFlood) {
    const { maxEvents, windowMessages, chunkMessages } = options.warmupFlood;
    const maxMs = options.warmupMs ?? 0;
    await warmUp(pair, { subscribersPerJob: 1, maxEvents, maxMs, windowMessages, chunkMessages });
  }
  const { eventsPerSecond, durationMs } = sizes;
  const phase = await runPhase({
    pair,
    recordLatency: true,
    emit: () => pair.server.call('paced', { eventsPerSecond, durationMs }),
  });
  // GC pauses are judged over the paced window; those of every job ending at once are reported beside them.
  const emitGc = phase.emitted.emitGc;
  const latency = phase.load.latency ?? { count: 0, p50: Number.NaN, p99: Number.NaN, max: Number.NaN };
  return {
    scenario: 'S1-latency',
    server: kind,
    metrics: {
      p50Ms: latency.p50 / 1000,
      p99Ms: latency.p99 / 1000,
      maxMs: latency.max / 1000,
      gcPer10kMsgs: (1e4 * (emitGc.collections + phase.gc.collections)) / Math.max(1, phase.load.delivered),
      gcMaxPauseMs: emitGc.maxMs,
      gcSpikes: emitGc.spikes,
      gcMinorSpikes: emitGc.minorSpikes,
      completionGcMaxPauseMs: phase.gc.maxMs,
      samples: latency.count,
      cpuMicrosPerMsg: cpuPerMessage(phase),
      ...utilization(phase),
      ...clusterCpuMetrics(phase),
      events: phase.emitted.events,
    },
    check: checkDelivery(phase.load, sizes.jobs),
    load: phase.load,
  };
}
