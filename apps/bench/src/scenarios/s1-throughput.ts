import type { ServerRow } from '../results';
import type { Sizes } from '../sizes';
import { checkDelivery } from './check';
import { type ScenarioOptions, startPair } from './pair';
import { clusterCpuMetrics, cpuPerMessage, runPhase, utilization, warmUp } from './phase';

/** S1: one subscriber on each of many jobs; progress round-robin as fast as it is delivered. */
export async function runS1Throughput(options: ScenarioOptions<Sizes['s1']>): Promise<ServerRow> {
  const { kind, sizes } = options;
  await using pair = await startPair(kind, options);
  const { jobIds } = await pair.server.call('createJobs', { count: sizes.jobs });
  await pair.subscribe({ jobIds, subscribersPerJob: 1 });
  const { maxEvents, maxMs, windowMessages, chunkMessages } = sizes;
  const flood = { subscribersPerJob: 1, maxEvents, maxMs, windowMessages, chunkMessages };
  await warmUp(pair, { ...flood, maxMs: options.warmupMs ?? 0 });
  const phase = await runPhase({ pair, recordLatency: false, emit: () => pair.server.call('flood', flood) });
  return {
    scenario: 'S1',
    server: kind,
    metrics: {
      msgsPerSec: phase.load.delivered / (phase.durationMicros / 1e6),
      eventsPerSec: phase.emitted.events / (phase.durationMicros / 1e6),
      cpuMicrosPerMsg: cpuPerMessage(phase),
      ...utilization(phase),
      ...clusterCpuMetrics(phase),
      events: phase.emitted.events,
      delivered: phase.load.delivered,
      skipped: phase.load.skipped,
      durationMs: phase.durationMicros / 1000,
    },
    check: checkDelivery(phase.load, sizes.jobs),
    load: phase.load,
  };
}
