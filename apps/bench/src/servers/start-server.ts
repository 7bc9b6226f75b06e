import type { ServerKind } from '../server-kinds';
import type { BenchServer } from './bench-server';
import { startJobstreamServer } from './jobstream';
import { startPlainTrpcServer } from './plain-trpc';
import { startRawWsServer } from './raw-ws';
import { startSocketIoServer } from './socketio';

const STARTERS: Record<ServerKind, () => Promise<BenchServer>> = {
  'raw-ws': startRawWsServer,
  socketio: startSocketIoServer,
  'plain-trpc': startPlainTrpcServer,
  jobstream: () => startJobstreamServer('trpc'),
  'jobstream-socketio': () => startJobstreamServer('socketio'),
};

/** Starts the server of the given kind on a free loopback port. */
export function startServer(kind: ServerKind): Promise<BenchServer> {
  return STARTERS[kind]();
}
