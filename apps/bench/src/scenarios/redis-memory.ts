import type { ServerRow } from '../results';
import type { Sizes } from '../sizes';
import { checkDelivery } from './check';
import type { JobMemory } from './cluster-backends';
import { type Pair, type PairCluster, type ScenarioOptions, startPair } from './pair';
import { runPhase } from './phase';

/** Most progress messages ahead of the subscribers while filling the jobs. */
const WINDOW_MESSAGES = 1000;

/**
 * Emits `eventsPerJob` progress events (carrying `rowErrors` row errors each, when given) to each of `jobs` new jobs,
 * completes them, waits until every subscriber has the completion (every event is then in Redis), and measures each
 * job's keys.
 */
async function fillAndMeasure(
  pair: Pair,
  cluster: PairCluster,
  sizes: Sizes['redisMemory'],
  rowErrors: number,
): Promise<{ memory: JobMemory[]; check: ServerRow['check'] }> {
  const { jobs, eventsPerJob } = sizes;
  const { jobIds } = await pair.server.call('createJobs', { count: jobs });
  await pair.subscribe({ jobIds, subscribersPerJob: 1 });
  const flood = {
    subscribersPerJob: 1,
    maxEvents: jobs * eventsPerJob,
    maxMs: 120_000,
    windowMessages: WINDOW_MESSAGES,
    chunkMessages: WINDOW_MESSAGES / 2,
    rowErrors,
  };
  const phase = await runPhase({ pair, recordLatency: false, emit: () => pair.server.call('flood', flood) });
  const { backends, redisPrefix } = cluster;
  const memory = [];
  for (const jobId of jobIds) memory.push(await backends.jobMemory(redisPrefix, jobId));
  // The next fill's subscribers start from nothing.
  await pair.load.call('close', {});
  const check = checkDelivery(phase.load, jobs);
  if (phase.emitted.events !== jobs * eventsPerJob) {
    check.ok = false;
    check.problems.push(`${phase.emitted.events} events emitted, not ${jobs * eventsPerJob}`);
  }
  return { memory, check };
}

const largest = (memory: readonly JobMemory[], key: keyof JobMemory) => Math.max(...memory.map((m) => m[key]));

/**
 * Redis memory (a cluster kind only): `MEMORY USAGE` of each job's keys (its event stream, a ring of
 * `HISTORY_MAX_EVENTS` = 256 by default, and its meta hash) after more events than the ring holds and the job's end,
 * the largest job reported; first with S1's progress events, then with events that carry `rowErrors` row errors each,
 * as an import with that many rejected rows reports them.
 */
export async function runRedisMemory(options: ScenarioOptions<Sizes['redisMemory']>): Promise<ServerRow> {
  const { kind, sizes } = options;
  await using pair = await startPair(kind, options);
  const { cluster } = pair;
  if (!cluster) throw new Error(`${kind} keeps its events in this process, not in Redis`);
  const plain = await fillAndMeasure(pair, cluster, sizes, 0);
  const withErrors = await fillAndMeasure(pair, cluster, sizes, sizes.rowErrors);
  const entries = largest(plain.memory, 'streamEntries');
  return {
    scenario: 'redis-memory',
    server: kind,
    metrics: {
      bytesPerJob: largest(plain.memory, 'bytes'),
      streamEntries: entries,
      bytesPerEntry: largest(plain.memory, 'streamBytes') / entries,
      bytesPerJobWithRowErrors: largest(withErrors.memory, 'bytes'),
      eventsPerJob: sizes.eventsPerJob,
      rowErrors: sizes.rowErrors,
    },
    check: {
      ok: plain.check.ok && withErrors.check.ok,
      problems: [...plain.check.problems, ...withErrors.check.problems],
    },
  };
}
