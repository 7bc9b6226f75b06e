import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { type AppRouter, appRouter } from '@jobstream/api';
import { applyWSSHandler, type CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { AddressLimiter } from './address-limiter';
import { messageRate, requestCount } from './message-rate';
import { type FrameFilter, nativeFrameFilter, type WsContextFactory } from './native-gate';
import { NATIVE_PATH } from './native-progress';

/** Limits of the WebSocket transport; each has a documented default in the config. */
export interface WsLimits {
  /** Largest message a client may send, in bytes (closed with 1009 above). */
  maxPayloadBytes: number;
  /** Open connections per client address (upgrade refused with 429 above). */
  maxConnectionsPerAddress: number;
  /** Messages a connection may send per second (closed with 1008 above). */
  maxMessagesPerSecond: number;
}

/** Options of the WebSocket transport. */
export interface WsTransportOptions {
  /** A connection's context, for tRPC's handler and the native progress path alike. */
  context: WsContextFactory;
  /** Called with procedure errors, for logging. */
  onError?: (opts: { error: { code: string; message: string }; path: string | undefined }) => void;
  /** The address a request counts against for the per-address limit. */
  clientAddress: (req: IncomingMessage) => string;
  pingMs: number;
  pongWaitMs: number;
  limits: WsLimits;
}

/** tRPC over WebSocket on an existing HTTP server's upgrades. */
export interface WsTransport {
  wss: WebSocketServer;
  /** Takes an upgrade request for the tRPC path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Bytes queued in every socket's send buffer. */
  bufferedBytes(): number;
  /** Tells every client to reconnect (to the next instance). */
  broadcastReconnect(): void;
  /** Resolves when every socket's send buffer is empty, or after `timeoutMs`. */
  drain(timeoutMs: number): Promise<void>;
  /** Closes every socket with 1012 (service restart). */
  close(): Promise<void>;
}

/** Close code for a client that sends faster than allowed. */
export const CLOSE_RATE_LIMITED = 1008;

function buffered(clients: Iterable<WebSocket>): number {
  let total = 0;
  for (const client of clients) total += client.bufferedAmount;
  return total;
}

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

/**
 * Runs every incoming frame through the rate limit (a batch counts each of its requests; past the limit the
 * socket is closed with 1008 and nothing more runs) and then the native path, before tRPC's handler sees it.
 */
function gateMessages(client: WebSocket, perSecond: number, filter: FrameFilter): void {
  const allow = messageRate(perSecond);
  const emit = client.emit.bind(client);
  let exceeded = false;
  client.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'message') return emit(event, ...args);
    if (exceeded) return false;
    const [data, isBinary] = args as [Buffer, boolean];
    if (allow(requestCount(data))) {
      const forwarded = filter(data, isBinary);
      return forwarded === undefined ? true : emit(event, forwarded, isBinary);
    }
    exceeded = true;
    client.close(CLOSE_RATE_LIMITED, 'Message rate limit exceeded');
    setTimeout(() => client.terminate(), 1_000).unref();
    return false;
  }) as WebSocket['emit'];
}

/** Creates the WebSocket side of the API server: keep-alive on, every limit enforced. */
export function createWsTransport(options: WsTransportOptions): WsTransport {
  const { limits } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const addresses = new AddressLimiter(limits.maxConnectionsPerAddress);
  const handler = applyWSSHandler<AppRouter>({
    wss,
    router: appRouter,
    createContext: ({ req, res, info }: CreateWSSContextFnOptions) => options.context(req, res, info.connectionParams),
    keepAlive: { enabled: true, pingMs: options.pingMs, pongWaitMs: options.pongWaitMs },
    onError: options.onError,
  });
  return {
    wss,
    handleUpgrade(req, socket, head) {
      const address = options.clientAddress(req);
      if (!addresses.acquire(address)) return refuse(socket, '429 Too Many Requests');
      socket.on('close', () => addresses.release(address));
      wss.handleUpgrade(req, socket, head, (client) => {
        const filter = nativeFrameFilter({
          req,
          socket: client,
          context: options.context,
          onError(error) {
            options.onError?.({ error, path: NATIVE_PATH });
          },
        });
        gateMessages(client, limits.maxMessagesPerSecond, filter);
        wss.emit('connection', client, req);
      });
    },
    bufferedBytes: () => buffered(wss.clients),
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
