import type { ClusterServerParams } from '../protocol';
import type { ServerKind } from '../server-kinds';
import type { BenchServer } from './bench-server';
import { startJobstreamServer } from './jobstream';
import { startPlainTrpcServer } from './plain-trpc';
import { startRawWsServer } from './raw-ws';
import { startSocketIoServer } from './socketio';

const STARTERS: Record<ServerKind, (cluster?: ClusterServerParams) => Promise<BenchServer>> = {
  'raw-ws': startRawWsServer,
  socketio: startSocketIoServer,
  'plain-trpc': startPlainTrpcServer,
  jobstream: () => startJobstreamServer('trpc'),
  'jobstream-socketio': () => startJobstreamServer('socketio'),
  'jobstream-cluster': (cluster) => {
    if (!cluster) throw new Error('jobstream-cluster needs its deployment and subscribers instance');
    return startJobstreamServer('trpc', cluster);
  },
};

/** Starts the server of the given kind on a free loopback port; a cluster kind's emitting instance with `cluster`. */
export function startServer(kind: ServerKind, cluster?: ClusterServerParams): Promise<BenchServer> {
  return STARTERS[kind](cluster);
}
