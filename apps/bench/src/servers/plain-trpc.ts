import { createServer } from 'node:http';
import { WebSocketEvents } from '@jobstream/contracts';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { WebSocketServer } from 'ws';
import type { BenchServer } from './bench-server';
import { closeHttpServer, HOST, listenOnFreePort } from './listen';
import { createJobEmitter, createPlainRouter } from './plain-trpc-router';

/** A plain tRPC 11 subscription server over WebSocket with superjson, written the way the docs show. */
export async function startPlainTrpcServer(): Promise<BenchServer> {
  const emitter = createJobEmitter();
  const http = createServer();
  const wss = new WebSocketServer({ server: http, path: '/trpc' });
  applyWSSHandler({ wss, router: createPlainRouter(emitter), createContext: () => ({}) });

  const port = await listenOnFreePort(http);
  return {
    endpoint: { url: `ws://${HOST}:${port}/trpc` },
    createJob: () => {},
    emitProgress: (jobId, payload) => emitter.emit(jobId, { event: WebSocketEvents.UPLOAD_PROGRESS, payload }),
    emitCompletion: (jobId, payload) => emitter.emit(jobId, { event: WebSocketEvents.UPLOAD_COMPLETED, payload }),
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeHttpServer(http);
    },
  };
}
