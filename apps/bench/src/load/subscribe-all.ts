import type { SubscribeParams } from '../protocol';
import type { ClientProtocol } from '../server-kinds';
import type { Connection, Subscribe } from './clients/client';
import { subscribeRawWs } from './clients/raw-ws-client';
import { subscribeSocketIo } from './clients/socketio-client';
import { subscribeTrpc } from './clients/trpc-client';
import type { Tally } from './tally';

const CLIENTS: Record<ClientProtocol, Subscribe> = {
  'raw-ws': subscribeRawWs,
  socketio: subscribeSocketIo,
  trpc: subscribeTrpc,
};

/** Opens `subscribersPerJob` subscriber connections per job, `concurrency` at a time, each feeding `tally`. */
export async function subscribeAll(params: SubscribeParams, tally: Tally): Promise<Connection[]> {
  const subscribe = CLIENTS[params.protocol];
  const { url, connectionParams } = params;
  const endpoint = connectionParams ? { url, connectionParams } : { url };
  const jobs = params.jobIds.flatMap((jobId) => Array.from({ length: params.subscribersPerJob }, () => jobId));
  const connections: Connection[] = [];
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      const jobId = jobs[next++] as string;
      const state = tally.add();
      const onError = (message: string) => tally.errors.push(message);
      connections.push(await subscribe({ endpoint, jobId, onEvent: (event) => tally.receive(state, event), onError }));
    }
  };
  await Promise.all(Array.from({ length: Math.min(params.concurrency, jobs.length) }, worker));
  return connections;
}
