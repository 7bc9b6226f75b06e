import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { type AppRouter, appRouter } from '@jobstream/api';
import type { TRPCError } from '@trpc/server';
import { applyWSSHandler, type CreateWSSContextFnOptions } from '@trpc/server/adapters/ws';
import { type WebSocket, WebSocketServer } from 'ws';
import { AddressLimiter } from './address-limiter';
import { messageRate, NOT_JSON, parseFrame, requestCount } from './message-rate';
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

/** A procedure's error as the transports report it, with the request it came on when there is one. */
export interface ProcedureError {
  error: TRPCError;
  path: string | undefined;
  req?: IncomingMessage;
}

/** True for what `ws` raises about a peer breaking the protocol (a frame too big, invalid UTF-8, a bad opcode). */
export function isProtocolError(cause: unknown): cause is Error {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return cause instanceof Error && typeof code === 'string' && code.startsWith('WS_ERR_');
}

/** Options of the WebSocket transport. */
export interface WsTransportOptions {
  /** A connection's context, for tRPC's handler and the native progress path alike. */
  context: WsContextFactory;
  /** Called with procedure errors, for logging. */
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
export const CLOSE_RATE_LIMITED = 1008;

function buffered(clients: Iterable<WebSocket>): number {
  let total = 0;
  for (const client of clients) total += client.bufferedAmount;
  return total;
}

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

/**
 * Parses every incoming text frame once, runs it through the rate limit (a batch counts each of the requests it
 * parsed to, whatever whitespace precedes it; past the limit the socket is closed with 1008 and nothing more
 * runs) and then the native path, before tRPC's handler sees it.
 */
function gateMessages(client: WebSocket, perSecond: number, filter: FrameFilter): void {
  const allow = messageRate(perSecond);
  const emit = client.emit.bind(client);
  let exceeded = false;
  client.emit = ((event: string | symbol, ...args: unknown[]) => {
    if (event !== 'message') return emit(event, ...args);
    if (exceeded) return false;
    const [data, isBinary] = args as [Buffer, boolean];
    const frame = isBinary ? NOT_JSON : parseFrame(data);
    if (allow(requestCount(frame))) {
      const forwarded = filter(data, frame);
      return forwarded === undefined ? true : emit(event, forwarded, isBinary);
    }
    exceeded = true;
    client.close(CLOSE_RATE_LIMITED, 'Message rate limit exceeded');
    setTimeout(() => client.terminate(), 1_000).unref();
    return false;
  }) as WebSocket['emit'];
}

/** What keep-alive last saw of one connection. */
interface Liveness {
  /** The connection's TCP socket, whose byte counters show whether the peer sends or takes anything. */
  socket: Socket;
  /** Bytes received from the peer. */
  read: number;
  /** Bytes of ours that have left the process (handed to the kernel), as opposed to still queued. */
  flushed: number;
  /** When the peer last sent anything or took any of the bytes queued for it. */
  activeAt: number;
  /** When the `PING` now awaiting an answer went out. */
  pingedAt: number | undefined;
}

function flushedBytes(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength;
}

/**
 * Server keep-alive that does not cut slow links. tRPC's own (a `PING` after `pingMs` without a message from the
 * peer, terminated without a `PONG` within `pongWaitMs`) drops a client whose `PING` waits behind a full send
 * buffer. Here a connection is alive while its peer sends anything or takes any of the bytes queued for it:
 * bytes leave the socket's queue for the kernel only while its buffer has room, which a peer that stopped
 * reading (or vanished) no longer makes. After `pingMs` of neither it gets a `PING` (a tRPC client answers
 * `PONG`), and only if for `pongWaitMs` after that it still neither answers nor reads is it terminated.
 * Connections are checked a few times per `min(pingMs, pongWaitMs)`, so that is the resolution of both.
 */
function keepAlive(pingMs: number, pongWaitMs: number) {
  const connections = new Map<WebSocket, Liveness>();
  const check = (client: WebSocket, state: Liveness, now: number) => {
    const { socket } = state;
    const read = socket.bytesRead;
    const flushed = flushedBytes(socket);
    if (read !== state.read || flushed !== state.flushed) {
      state.read = read;
      state.flushed = flushed;
      state.activeAt = now;
      state.pingedAt = undefined;
    } else if (state.pingedAt === undefined) {
      if (now - state.activeAt < pingMs || client.readyState !== client.OPEN) return;
      client.send('PING');
      state.pingedAt = now;
      state.flushed = flushedBytes(socket); // our own PING leaving is no sign of the peer
    } else if (now - state.pingedAt >= pongWaitMs) {
      client.terminate();
    }
  };
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const [client, state] of connections) check(client, state, now);
    },
    Math.max(1, Math.min(pingMs, pongWaitMs) / 4),
  );
  timer.unref();
  return {
    watch(client: WebSocket, socket: Socket) {
      const state: Liveness = {
        socket,
        read: socket.bytesRead,
        flushed: flushedBytes(socket),
        activeAt: Date.now(),
        pingedAt: undefined,
      };
      connections.set(client, state);
      client.once('close', () => connections.delete(client));
    },
    stop() {
      clearInterval(timer);
    },
  };
}

/** Creates the WebSocket side of the API server: keep-alive on, every limit enforced. */
export function createWsTransport(options: WsTransportOptions): WsTransport {
  const { limits } = options;
  const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
  const addresses = new AddressLimiter(limits.maxConnectionsPerAddress);
  const liveness = keepAlive(options.pingMs, options.pongWaitMs);
  const handler = applyWSSHandler<AppRouter>({
    wss,
    router: appRouter,
    createContext: ({ req, res, info }: CreateWSSContextFnOptions) => options.context(req, res, info.connectionParams),
    // Off: `keepAlive` above replaces it. tRPC's handler still answers a client's PING with PONG.
    keepAlive: { enabled: false },
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
            options.onError?.({ error, path: NATIVE_PATH, req });
          },
        });
        gateMessages(client, limits.maxMessagesPerSecond, filter);
        liveness.watch(client, req.socket);
        wss.emit('connection', client, req);
      });
    },
    bufferedBytes: () => buffered(wss.clients),
    broadcastReconnect: () => handler.broadcastReconnectNotification(),
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
