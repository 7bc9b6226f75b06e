import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { UPLOAD_GATEWAY_NAMESPACE } from '@jobstream/contracts';
import { Server as EngineServer, type Socket as EngineSocket } from 'engine.io';
import { Server } from 'socket.io';
import { AddressLimiter } from '../address-limiter';
import type { ConnectionLimits } from '../connection-handle';
import { rejectRequest } from '../http/respond';
import type { EmitLatency } from '../metrics/emit-latency';
import type { ServerServices } from '../services';
import { MessageRate } from '../ws/message-rate';
import type { ProcedureError, WsLimits } from '../ws/ws-transport';
import { SocketIoConnectionHandle } from './socketio-connection-handle';
import { serveUploadGateway } from './upload-gateway';

/** Where Socket.IO clients send their requests and WebSocket upgrades (socket.io-client's default `path`). */
export const SOCKETIO_PATH = '/socket.io/';

/** Options of the Socket.IO transport. */
export interface SocketIoTransportOptions {
  services: ServerServices;
  /** The address a request counts against for the per-address limits. */
  clientAddress: (req: IncomingMessage) => string;
  /** Charges an HTTP request to its address's request rate: 0 when it may go on, else the seconds to wait (Retry-After set). */
  admitRequest: (req: IncomingMessage, res: ServerResponse) => Promise<number>;
  /** Send buffer and subscription slots of each connection. */
  connection: ConnectionLimits;
  /** Times the events the connections write (`jobstream_emit_to_send_seconds`). */
  latency: EmitLatency;
  /** Message size, connections per address and messages per second, as on the tRPC WebSocket transport. */
  limits: WsLimits;
  /** Called with handshake and join errors, for logging. */
  onError: (error: ProcedureError) => void;
}

/** The old gateway's Socket.IO protocol on an existing HTTP server's requests and upgrades for `SOCKETIO_PATH`. */
export interface SocketIoTransport {
  /** Takes an HTTP request (long-polling, or a handshake) for `SOCKETIO_PATH`. */
  handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** Takes a WebSocket upgrade for `SOCKETIO_PATH`. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** Open Engine.IO connections. */
  connections(): number;
  /** Bytes of events that wait in Engine.IO's write buffers, summed over connections. */
  queuedBytes(): number;
  /** Closes every connection after what is queued for it; cuts any still open after `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
  /** Closes every connection at once, dropping what is queued for it (the clients see a transport close). */
  drop(): void;
}

/** A request that starts a new Engine.IO session (any other names its session with `sid`). */
function opensSession(req: IncomingMessage): boolean {
  return !new URL(req.url ?? '/', 'http://localhost').searchParams.has('sid');
}

/** What the transport keeps for one open connection. */
interface OpenConnection {
  handle: SocketIoConnectionHandle;
  /** The client address whose connection slot it holds. */
  address: string;
  /** Its messages' per-second allowance. */
  rate: MessageRate;
}

function closedOf(conn: EngineSocket): Promise<void> {
  if (conn.readyState === 'closed') return Promise.resolve();
  return new Promise((resolve) => conn.once('close', () => resolve()));
}

/**
 * Creates the Socket.IO 4.8 server of the compatibility path without attaching it to the HTTP server: the API
 * server routes `SOCKETIO_PATH` to it after its origin check, through Engine.IO's public `handleRequest` and
 * `handleUpgrade` (WebSocket and long-polling, as Socket.IO clients expect). Every limit of the tRPC transport
 * applies: the message size (`maxHttpBufferSize`), open connections per client address (a new session past it is
 * refused with 429), messages per connection per second (past it the connection is closed, and the message that
 * crossed it and any after it are dropped before Socket.IO reads them), HTTP requests per address (each request
 * that opens a session), and each connection's send buffer and subscription slots.
 */
export function createSocketIoTransport(options: SocketIoTransportOptions): SocketIoTransport {
  const { limits } = options;
  // Origins and CORS headers are the API server's, checked before a request gets here; no client files are served.
  const engine = new EngineServer({ maxHttpBufferSize: limits.maxPayloadBytes });
  const io = new Server({ serveClient: false });
  io.bind(engine);
  const addresses = new AddressLimiter(limits.maxConnectionsPerAddress);
  const open = new Map<EngineSocket, OpenConnection>();

  // Listeners shared by every connection (Engine.IO calls them with the connection as `this`), so that a
  // connection costs no closures of its own. 'packet' comes before Socket.IO reads a message ('data'), and a
  // discarding close removes Socket.IO's reader at once: the message past the limit is never read.
  function onPacket(this: EngineSocket, packet: { type: string }): void {
    if (packet.type === 'message' && !open.get(this)?.rate.take()) this.close(true);
  }
  function onClose(this: EngineSocket): void {
    const connection = open.get(this);
    if (!connection) return;
    open.delete(this);
    addresses.release(connection.address);
    connection.handle.emptied();
  }
  // Engine.IO's server-wide `drain` (a connection handed its write buffer to its transport), documented in its API:
  // one listener for all connections, none on each.
  engine.on('drain', (conn: EngineSocket) => open.get(conn)?.handle.emptied());

  // Registered after `bind`, so Socket.IO has set the connection up when a refusal below closes it.
  engine.on('connection', (conn: EngineSocket) => {
    const address = options.clientAddress(conn.request);
    // The handshake's check below refuses most; sessions opened in the same tick (pipelined requests) pass it together.
    if (!addresses.acquire(address)) return conn.close(true);
    const handle = new SocketIoConnectionHandle(conn, options.connection, options.latency);
    open.set(conn, { handle, address, rate: new MessageRate(limits.maxMessagesPerSecond) });
    // `on`, not `once` (whose wrapper costs two objects a connection): a connection closes once.
    conn.on('packet', onPacket);
    conn.on('close', onClose);
  });

  serveUploadGateway(io.of(UPLOAD_GATEWAY_NAMESPACE), {
    services: options.services,
    handleOf: (socket) => (open.get(socket.conn) as OpenConnection).handle,
    onError: options.onError,
  });

  return {
    async handleRequest(req, res) {
      if (opensSession(req)) {
        const wait = await options.admitRequest(req, res);
        if (wait > 0) return rejectRequest(req, res, 429, `Too many requests from this address: retry in ${wait} s`);
        if (addresses.full(options.clientAddress(req))) {
          const message = `At most ${limits.maxConnectionsPerAddress} Socket.IO connections per client address`;
          return rejectRequest(req, res, 429, message);
        }
      }
      engine.handleRequest(req, res);
    },
    handleUpgrade(req, socket, head) {
      if (opensSession(req) && addresses.full(options.clientAddress(req))) {
        return void socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
      engine.handleUpgrade(req, socket, head);
    },
    connections: () => open.size,
    queuedBytes() {
      let total = 0;
      for (const { handle } of open.values()) total += handle.queuedBytes;
      return total;
    },
    async close(timeoutMs) {
      const conns = [...open.keys()];
      for (const conn of conns) conn.close();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, timeoutMs);
      });
      await Promise.race([Promise.all(conns.map(closedOf)), timeout]);
      clearTimeout(timer);
      await io.close();
    },
    drop() {
      for (const conn of open.keys()) conn.close(true);
    },
  };
}
