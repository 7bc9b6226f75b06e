import { connectChild, stopChild } from '../ipc/child-peer';
import { forkTs } from '../ipc/fork-ts';
import type { RpcPeer } from '../ipc/rpc';
import type { LoadApi, Notices } from '../protocol';

const LOAD_ENTRY = new URL('./load-entry.ts', import.meta.url);

/** The load-generator process, as the orchestrator sees it. */
export interface LoadGenerator extends AsyncDisposable {
  peer: RpcPeer<LoadApi, Notices>;
}

/** Starts a load-generator process; one can serve many servers in turn. */
export async function startLoadGenerator(): Promise<LoadGenerator> {
  const child = forkTs(LOAD_ENTRY);
  const { peer, ready } = connectChild<LoadApi, 'loadReady'>({
    child,
    name: 'load generator',
    readyNotice: 'loadReady',
  });
  const dispose = () => stopChild(child);
  await ready.catch(async (error: unknown) => {
    await dispose();
    throw error;
  });
  return { peer, [Symbol.asyncDispose]: dispose };
}
