import { join } from 'node:path';
import { connectChild, stopChild } from '../ipc/child-peer';
import { forkTs } from '../ipc/fork-ts';
import type { RpcPeer } from '../ipc/rpc';
import { type LoadGenerator, startLoadGenerator } from '../load/load-generator';
import type { Endpoint, LoadApi, Notices, ServerApi } from '../protocol';
import { PROTOCOL_OF, type ServerKind } from '../server-kinds';

const SERVER_ENTRY = new URL('../servers/server-entry.ts', import.meta.url);
const CONNECT_CONCURRENCY = 64;

/** A server process and a load generator, covered counts relayed from the second to the first. */
export interface Pair extends AsyncDisposable {
  kind: ServerKind;
  endpoint: Endpoint;
  server: RpcPeer<ServerApi, Notices>;
  load: RpcPeer<LoadApi, Notices>;
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
}

/**
 * Starts the server of `kind` in its own process (CPU-profiled into `cpuProfileDir/<kind>` when given), fed by `load` (or by a
 * load generator of its own). Disposing it
 * closes the load generator's connections (stopping an own one), then stops the server.
 */
export async function startPair(
  kind: ServerKind,
  options: { load?: LoadGenerator; cpuProfileDir?: string } = {},
): Promise<Pair> {
  const profile = options.cpuProfileDir ? { cpuProfileDir: join(options.cpuProfileDir, kind) } : {};
  const child = forkTs(SERVER_ENTRY, { args: [kind], exposeGc: true, ...profile });
  const server = connectChild<ServerApi, 'ready'>({ child, name: `${kind} server`, readyNotice: 'ready' });
  const [started, loadStarted] = await Promise.allSettled([server.ready, options.load ?? startLoadGenerator()]);
  if (started.status === 'rejected' || loadStarted.status === 'rejected') {
    if (loadStarted.status === 'fulfilled' && !options.load) await loadStarted.value[Symbol.asyncDispose]();
    await stopChild(child);
    throw started.status === 'rejected' ? started.reason : (loadStarted as PromiseRejectedResult).reason;
  }
  const ready = started.value;
  const load = loadStarted.value;
  const dispose = async () => {
    if (options.load) await load.peer.call('close', {}).catch(() => null);
    else await load[Symbol.asyncDispose]();
    await stopChild(child);
  };
  const { url, connectionParams } = ready;
  const endpoint: Endpoint = connectionParams ? { url, connectionParams } : { url };
  load.peer.onNotice('covered', (data) => server.peer.notify('covered', data));
  return {
    kind,
    endpoint,
    server: server.peer,
    load: load.peer,
    subscribe: async ({ jobIds, subscribersPerJob }) => {
      const params = { ...endpoint, protocol: PROTOCOL_OF[kind], jobIds, subscribersPerJob };
      const { elapsedMs } = await load.peer.call('subscribe', { ...params, concurrency: CONNECT_CONCURRENCY });
      return elapsedMs;
    },
    [Symbol.asyncDispose]: dispose,
  };
}
