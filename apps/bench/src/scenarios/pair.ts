import { join } from 'node:path';
import { connectChild, stopChild } from '../ipc/child-peer';
import { forkTs } from '../ipc/fork-ts';
import type { RpcPeer } from '../ipc/rpc';
import { type LoadGenerator, startLoadGenerator } from '../load/load-generator';
import type { ClusterServerParams, Endpoint, InstanceApi, LoadApi, Notices, ServerApi } from '../protocol';
import { isClusterKind, PROTOCOL_OF, type ServerKind } from '../server-kinds';
import type { ClusterBackends } from './cluster-backends';

const SERVER_ENTRY = new URL('../servers/server-entry.ts', import.meta.url);
const INSTANCE_ENTRY = new URL('../servers/instance-entry.ts', import.meta.url);
const CONNECT_CONCURRENCY = 64;

/** A cluster kind's second instance, the one its subscribers connect to, and the Redis both use. */
export interface PairCluster {
  subscribers: RpcPeer<InstanceApi, Notices>;
  backends: ClusterBackends;
  /** The run's `REDIS_PREFIX`. */
  redisPrefix: string;
}

/** A server process and a load generator, covered counts relayed from the second to the first. */
export interface Pair extends AsyncDisposable {
  kind: ServerKind;
  endpoint: Endpoint;
  /** The server process: the one that emits (a cluster's first instance). */
  server: RpcPeer<ServerApi, Notices>;
  load: RpcPeer<LoadApi, Notices>;
  /** For a cluster kind; without it the subscribers connect to `server`. */
  cluster?: PairCluster;
  /** Subscribes `subscribersPerJob` clients to each job; resolves with how long it took. */
  subscribe(options: { jobIds: string[]; subscribersPerJob: number }): Promise<number>;
}

/** What every server scenario is given. */
export interface ScenarioOptions<S> {
  kind: ServerKind;
  sizes: S;
  /** A shared load generator; without it the scenario starts its own. */
  load?: LoadGenerator;
  /** Folder for a CPU profile of the server process. */
  cpuProfileDir?: string;
  /** Length of the unmeasured warm-up flood, ms (0: none). */
  warmupMs?: number;
  /** The redis-server and PostgreSQL a cluster kind runs on. */
  backends?: ClusterBackends;
}

/**
 * Starts the server of `kind` in its own process (CPU-profiled into `cpuProfileDir/<kind>` when given), fed by
 * `load` (or by a load generator of its own). A cluster kind first gets a fresh deployment on `backends` and its
 * subscribers' instance, a process of its own (profiled into `<kind>-subscribers`), which the server's endpoint names.
 * Disposing it closes the load generator's connections (stopping an own one), then stops the server, the
 * subscribers' instance and the deployment; so does a failure to start.
 */
export async function startPair(
  kind: ServerKind,
  options: { load?: LoadGenerator; cpuProfileDir?: string; backends?: ClusterBackends } = {},
): Promise<Pair> {
  const profile = (name: string) => (options.cpuProfileDir ? { cpuProfileDir: join(options.cpuProfileDir, name) } : {});
  /** What to undo, in the order it was done. */
  const undo: (() => PromiseLike<unknown>)[] = [];
  const dispose = async () => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch {
        // The rest is undone all the same.
      }
    }
  };
  try {
    const args: string[] = [kind];
    let cluster: PairCluster | undefined;
    if (isClusterKind(kind)) {
      const { backends } = options;
      if (!backends) throw new Error(`${kind} runs on the bench's redis-server and PostgreSQL, which were not given`);
      const deployment = await backends.deploy();
      undo.push(() => deployment[Symbol.asyncDispose]());
      const { redisUrl, databaseUrl, redisPrefix } = deployment;
      const params = JSON.stringify({ redisUrl, databaseUrl, redisPrefix });
      const child = forkTs(INSTANCE_ENTRY, { args: [params], exposeGc: true, ...profile(`${kind}-subscribers`) });
      undo.push(() => stopChild(child));
      const instance = connectChild<InstanceApi, 'instanceReady'>({
        child,
        name: `${kind} subscribers' instance`,
        readyNotice: 'instanceReady',
      });
      const { url } = await instance.ready;
      cluster = { subscribers: instance.peer, backends, redisPrefix };
      args.push(
        JSON.stringify({ redisUrl, databaseUrl, redisPrefix, subscribersUrl: url } satisfies ClusterServerParams),
      );
    }
    const child = forkTs(SERVER_ENTRY, { args, exposeGc: true, ...profile(kind) });
    undo.push(() => stopChild(child));
    const server = connectChild<ServerApi, 'ready'>({ child, name: `${kind} server`, readyNotice: 'ready' });
    const loadStarted = options.load ? Promise.resolve(options.load) : startLoadGenerator();
    const [started, loading] = await Promise.allSettled([server.ready, loadStarted]);
    if (loading.status === 'fulfilled') {
      const load = loading.value;
      undo.push(() => (options.load ? load.peer.call('close', {}) : load[Symbol.asyncDispose]()));
    }
    if (started.status === 'rejected') throw started.reason;
    if (loading.status === 'rejected') throw loading.reason;
    const load = loading.value;
    const { url, connectionParams } = started.value;
    const endpoint: Endpoint = connectionParams ? { url, connectionParams } : { url };
    load.peer.onNotice('covered', (data) => server.peer.notify('covered', data));
    return {
      kind,
      endpoint,
      server: server.peer,
      load: load.peer,
      ...(cluster ? { cluster } : {}),
      subscribe: async ({ jobIds, subscribersPerJob }) => {
        const params = { ...endpoint, protocol: PROTOCOL_OF[kind], jobIds, subscribersPerJob };
        const { elapsedMs } = await load.peer.call('subscribe', { ...params, concurrency: CONNECT_CONCURRENCY });
        return elapsedMs;
      },
      [Symbol.asyncDispose]: dispose,
    };
  } catch (error) {
    await dispose();
    throw error;
  }
}
