import type { ServerRow } from '../results';
import type { Sizes } from '../sizes';
import { checkDelivery } from './check';
import { type ScenarioOptions, startPair } from './pair';
import { clusterCpuMetrics, cpuPerMessage, runPhase, utilization, warmUp } from './phase';

/** S2: one job, many subscribers; events emitted as fast as every subscriber receives them. */
export async function runS2Fanout(options: ScenarioOptions<Sizes['s2']>): Promise<ServerRow> {
  const { kind, sizes } = options;
  await using pair = await startPair(kind, options);
  const { jobIds } = await pair.server.call('createJobs', { count: 1 });
  await pair.subscribe({ jobIds, subscribersPerJob: sizes.subscribers });
  const flood = {
    subscribersPerJob: sizes.subscribers,
    maxEvents: sizes.maxEvents,
    maxMs: sizes.maxMs,
    windowMessages: sizes.windowEvents * sizes.subscribers,
    chunkMessages: 1,
  };
  await warmUp(pair, { ...flood, maxMs: options.warmupMs ?? 0 });
  const phase = await runPhase({ pair, recordLatency: false, emit: () => pair.server.call('flood', flood) });
  const seconds = phase.durationMicros / 1e6;
  return {
    scenario: 'S2',
    server: kind,
    metrics: {
      eventsPerSec: phase.emitted.events / seconds,
      msgsPerSec: phase.load.delivered / seconds,
      cpuMicrosPerMsg: cpuPerMessage(phase),
      ...utilization(phase),
      ...clusterCpuMetrics(phase),
      events: phase.emitted.events,
      delivered: phase.load.delivered,
      skipped: phase.load.skipped,
    },
    check: checkDelivery(phase.load, sizes.subscribers),
    load: phase.load,
  };
}
