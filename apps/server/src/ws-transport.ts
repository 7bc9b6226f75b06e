import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiContext } from '@jobstream/api';
import { type AppRouter, appRouter } from '@jobstream/api';
import type { CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';

/** Options of the WebSocket transport. */
export interface WsTransportOptions {
  createContext: (opts: CreateWSSContextFnOptions) => ApiContext | Promise<ApiContext>;
  pingMs: number;
  pongWaitMs: number;
}

/** tRPC over WebSocket on an existing HTTP server's upgrades. */
export interface WsTransport {
  wss: WebSocketServer;
  /** Takes an upgrade request for the tRPC path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Tells every client to reconnect (to the next instance). */
  broadcastReconnect(): void;
  /** Resolves when every socket's send buffer is empty, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** Closes every socket. */
  close(): Promise<void>;
}

function buffered(clients: Iterable<WebSocket>): number {
  let total = 0;
  for (const client of clients) total += client.bufferedAmount;
  return total;
}

/** Creates the WebSocket side of the API server, keep-alive on. */
export function createWsTransport(options: WsTransportOptions): WsTransport {
  const wss = new WebSocketServer({ noServer: true });
  const handler = applyWSSHandler<AppRouter>({
    wss,
    router: appRouter,
    createContext: options.createContext,
    keepAlive: { enabled: true, pingMs: options.pingMs, pongWaitMs: options.pongWaitMs },
  });
  return {
    wss,
    handleUpgrade(req, socket, head) {
      wss.handleUpgrade(req, socket, head, (client) => wss.emit('connection', client, req));
    },
    broadcastReconnect: () => handler.broadcastReconnectNotification(),
    async drain(timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (buffered(wss.clients) > 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
    close() {
      for (const client of wss.clients) client.close(1012, 'Server restarting');
      return new Promise((resolve) => wss.close(() => resolve()));
    },
  };
}
