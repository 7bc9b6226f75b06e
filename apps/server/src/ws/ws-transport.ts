import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ApiContext, AppRouter } from '@jobstream/api';
import { getTRPCErrorFromUnknown } from '@trpc/server';
import { type WebSocket, WebSocketServer } from 'ws';
import { AddressLimiter } from '../address-limiter';
import { keepAlive } from './keep-alive';
import { MessageRate, NOT_JSON, parseFrame, requestCount } from './message-rate';
import { TextFrameWriter } from './text-frames';
import { type ConnectionParams, type ProcedureError, TrpcConnection } from './trpc-connection';

export type { ConnectionParams, ProcedureError } from './trpc-connection';

/** Limits of the WebSocket transport; each has a documented default in the config. */
export interface WsLimits {
  /** Largest message a client may send, in bytes (closed with 1009 above). */
  maxPayloadBytes: number;
  /** Open connections per client address (upgrade refused with 429 above). */
  maxConnectionsPerAddress: number;
  /** Messages a connection may send per second (closed with 1008 above). */
  maxMessagesPerSecond: number;
}

/** Builds a connection's context from its upgrade request, its writer and its connection params. */
export type WsContextFactory = (
  req: IncomingMessage,
  writer: TextFrameWriter,
  params: ConnectionParams,
) => Promise<ApiContext>;

/** True for what `ws` raises about a peer breaking the protocol (a frame too big, invalid UTF-8, a bad opcode). */
export function isProtocolError(cause: unknown): cause is Error {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return cause instanceof Error && typeof code === 'string' && code.startsWith('WS_ERR_');
}

/** Options of the WebSocket transport. */
export interface WsTransportOptions {
  router: AppRouter;
  /** A connection's context, created once per connection. */
  context: WsContextFactory;
  /** Called with procedure errors and protocol errors, for logging. */
  onError?: (opts: ProcedureError) => void;
  /** The address a request counts against for the per-address limit. */
  clientAddress: (req: IncomingMessage) => string;
  /** Silence (the peer sends nothing and takes none of our bytes) after which a connection gets a `PING`. */
  pingMs: number;
  /** How long after that `PING` a connection whose peer still neither answers nor reads is terminated. */
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
  /**
   * Resolves once every client has closed its socket, or after `timeoutMs`. A tRPC client closes it after reading
   * the reconnect notification, so by then it has everything that was queued before the notification.
   */
  clientsGone(timeoutMs: number): Promise<void>;
  /** Closes every socket with 1012 (service restart) after what is queued for it; terminates any still open after `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

/** Close code for a client that sends faster than allowed. */
const CLOSE_RATE_LIMITED = 1008;

function refuse(socket: Duplex, status: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
}

function closedOf(client: WebSocket): Promise<void> {
  if (client.readyState === client.CLOSED) return Promise.resolve();
  return new Promise((resolve) => client.once('close', () => resolve()));
}

/** Waits for every client in `clients` to close, at most `timeoutMs`. */
async function allClosed(clients: Iterable<WebSocket>, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, timeoutMs);
  });
  await Promise.race([Promise.all(Array.from(clients, closedOf)), timeout]);
  clearTimeout(timer);
}

/** Creates the WebSocket side of the API server: keep-alive on, every limit enforced. */
export function createWsTransport(options: WsTransportOptions): WsTransport {
  const { limits } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const addresses = new AddressLimiter(limits.maxConnectionsPerAddress);
  const liveness = keepAlive(options.pingMs, options.pongWaitMs);
  const connections = new Map<WebSocket, { connection: TrpcConnection; writer: TextFrameWriter }>();

  /**
   * One client's messages: each text frame is parsed once, for the rate limit (a batch costs the number of requests
   * it parsed to; past the limit the socket is closed with 1008 and nothing more runs) and for the connection.
   */
  const serve = (client: WebSocket, req: IncomingMessage, socket: Duplex) => {
    const writer = new TextFrameWriter(client, socket);
    const connection = new TrpcConnection({
      socket: client,
      writer,
      req,
      router: options.router,
      createContext: (params) => options.context(req, writer, params),
      onError: options.onError,
    });
    connections.set(client, { connection, writer });
    const rate = new MessageRate(limits.maxMessagesPerSecond);
    let exceeded = false;
    client.on('message', (data: Buffer, isBinary: boolean) => {
      if (exceeded) return;
      const frame = isBinary ? NOT_JSON : parseFrame(data);
      if (rate.take(requestCount(frame))) return connection.receive(data, isBinary, frame);
      exceeded = true;
      client.close(CLOSE_RATE_LIMITED, 'Message rate limit exceeded');
      setTimeout(() => client.terminate(), 1_000).unref();
    });
    client.on('error', (cause) => options.onError?.({ error: getTRPCErrorFromUnknown(cause), path: undefined, req }));
    client.once('close', () => {
      connections.delete(client);
      connection.closed();
    });
    liveness.watch(client, req.socket);
  };

  return {
    wss,
    handleUpgrade(req, socket, head) {
      const address = options.clientAddress(req);
      if (!addresses.acquire(address)) return refuse(socket, '429 Too Many Requests');
      socket.on('close', () => addresses.release(address));
      wss.handleUpgrade(req, socket, head, (client) => serve(client, req, socket));
    },
    bufferedBytes() {
      let total = 0;
      for (const { writer } of connections.values()) total += writer.bufferedBytes;
      return total;
    },
    broadcastReconnect() {
      for (const { connection } of connections.values()) connection.notifyReconnect();
    },
    clientsGone: (timeoutMs) => allClosed(wss.clients, timeoutMs),
    async close(timeoutMs) {
      liveness.stop();
      const clients = [...wss.clients];
      for (const client of clients) client.close(1012, 'Server restarting');
      await allClosed(clients, timeoutMs);
      for (const client of clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}
