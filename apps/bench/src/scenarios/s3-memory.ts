import { sleep } from '../clock';
import type { ServerRow } from '../results';
import type { Sizes } from '../sizes';
import { checkDelivery } from './check';
import { type ScenarioOptions, startPair } from './pair';
import { runPhase, sampleSubscribersHost } from './phase';

/**
 * S3: memory per idle subscriber, one subscriber per job, each on its own connection, in the process they connect
 * to (a cluster's subscribers' instance); then every job completes.
 */
export async function runS3Memory(options: ScenarioOptions<Sizes['s3']>): Promise<ServerRow> {
  const { kind, sizes } = options;
  await using pair = await startPair(kind, options);
  const { jobIds } = await pair.server.call('createJobs', { count: sizes.subscribers });
  const before = await sampleSubscribersHost(pair, { gc: true });
  const subscribeMs = await pair.subscribe({ jobIds, subscribersPerJob: 1 });
  await sleep(sizes.settleMs);
  const after = await sampleSubscribersHost(pair, { gc: true });
  const phase = await runPhase({ pair, recordLatency: false, emit: () => pair.server.call('complete', {}) });
  return {
    scenario: 'S3',
    server: kind,
    metrics: {
      bytesPerSubscriber: (after.rssBytes - before.rssBytes) / sizes.subscribers,
      heapBytesPerSubscriber: (after.heapUsedBytes - before.heapUsedBytes) / sizes.subscribers,
      rssBeforeMb: before.rssBytes / 2 ** 20,
      rssAfterMb: after.rssBytes / 2 ** 20,
      subscribeMs,
    },
    check: checkDelivery(phase.load, sizes.subscribers),
    load: phase.load,
  };
}
