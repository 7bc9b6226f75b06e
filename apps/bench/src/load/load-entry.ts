import { parentChannel, RpcPeer } from '../ipc/rpc';
import type { LoadApi, Notices } from '../protocol';
import type { Connection } from './clients/client';
import { subscribeAll } from './subscribe-all';
import { Tally } from './tally';

/** How often the covered count goes to the server for flow control. */
const COVERED_EVERY_MS = 5;

const peer = new RpcPeer<Record<string, never>, Notices>(parentChannel());
let tally = new Tally();
let connections: Connection[] = [];
let coveredTimer: NodeJS.Timeout | undefined;

const api: LoadApi = {
  subscribe: async (params) => {
    const started = Date.now();
    connections = await subscribeAll(params, tally);
    return { subscribers: connections.length, elapsedMs: Date.now() - started };
  },
  reset: ({ recordLatency }) => {
    tally.reset({ recordLatency });
    let sent = -1;
    clearInterval(coveredTimer);
    coveredTimer = setInterval(() => {
      if (tally.covered === sent) return;
      sent = tally.covered;
      peer.notify('covered', { messages: sent });
    }, COVERED_EVERY_MS);
    return null;
  },
  awaitTerminals: async (params) => {
    const report = await tally.report(params);
    clearInterval(coveredTimer);
    return report;
  },
  close: async () => {
    clearInterval(coveredTimer);
    for (const connection of connections) connection.close();
    connections = [];
    tally = new Tally();
    return null;
  },
};

peer.serve(api);
process.once('disconnect', () => process.exit(0));
peer.notify('loadReady', {});
