import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { UPLOAD_GATEWAY_NAMESPACE } from '@jobstream/contracts';
import { waitFor } from '@jobstream/testing';
import { io, type ManagerOptions, type Socket, type SocketOptions } from 'socket.io-client';

/** A real socket.io-client 4.8 socket on the gateway namespace, with everything it received. */
export interface GatewayClient extends AsyncDisposable {
  socket: Socket;
  /** Every event received, in order, as `[name, payload]`. */
  events: Array<[name: string, payload: unknown]>;
  /** The payloads received for one event name. */
  payloads<T = Record<string, unknown>>(name: string): T[];
}

/** Options of a gateway client: a session token sent as `auth: { token }` or as the session cookie, and transports. */
export interface GatewayClientOptions {
  token?: string;
  /** Send the token as the browser would: in the `jobstream_session` cookie. */
  cookie?: boolean;
  transports?: Array<'polling' | 'websocket'>;
  /** Extra request headers (an `Origin`, say). */
  headers?: Record<string, string>;
}

/** The socket.io-client options of `options`: no reconnection, so a test sees every disconnect as it happens. */
export function clientOptions(options: GatewayClientOptions = {}): Partial<ManagerOptions & SocketOptions> {
  const headers = { ...options.headers };
  if (options.token && options.cookie) headers.cookie = `jobstream_session=${options.token}`;
  return {
    forceNew: true,
    reconnection: false,
    extraHeaders: headers,
    ...(options.token && !options.cookie ? { auth: { token: options.token } } : {}),
    ...(options.transports ? { transports: options.transports } : {}),
  };
}

/** Opens a gateway client without waiting for it to connect. */
export function openGatewayClient(url: string, options: GatewayClientOptions = {}): GatewayClient {
  const socket = io(`${url}${UPLOAD_GATEWAY_NAMESPACE}`, clientOptions(options));
  const events: GatewayClient['events'] = [];
  socket.onAny((name: string, payload: unknown) => events.push([name, payload]));
  return {
    socket,
    events,
    payloads: <T>(name: string) => events.filter(([n]) => n === name).map(([, payload]) => payload as T),
    [Symbol.asyncDispose]: async () => {
      socket.disconnect();
    },
  };
}

/** Opens a gateway client and waits until the namespace accepted it; rejects with the `connect_error`. */
export async function connectGateway(url: string, options: GatewayClientOptions = {}): Promise<GatewayClient> {
  const client = openGatewayClient(url, options);
  await new Promise<void>((resolve, reject) => {
    client.socket.once('connect', () => resolve());
    client.socket.once('connect_error', (error) => {
      client.socket.disconnect();
      reject(error);
    });
  });
  return client;
}

/** Waits until the socket has disconnected, and returns why. */
export async function disconnected(socket: Socket): Promise<string> {
  if (!socket.connected) return 'not connected';
  return new Promise((resolve) => socket.once('disconnect', (reason) => resolve(reason)));
}

/** Waits until `client` has received `count` events named `name`. */
export async function receive(client: GatewayClient, name: string, count = 1): Promise<void> {
  await waitFor(() => {
    if (client.payloads(name).length < count) throw new Error(`${client.payloads(name).length} of ${count} ${name}`);
  });
}

/** A TCP proxy whose reading from the server can be paused, to make a client that stops reading. */
export interface PausableProxy extends AsyncDisposable {
  url: string;
  /** Stops reading what the server sends: its socket's buffers fill, as a stalled client's would. */
  pause(): void;
  resume(): void;
}

/** Starts a proxy on a free loopback port in front of `target` (`http://host:port`). */
export async function startPausableProxy(target: string): Promise<PausableProxy> {
  const { hostname, port } = new URL(target);
  const pairs: Array<{ client: TcpSocket; upstream: TcpSocket }> = [];
  let paused = false;
  const server: Server = createServer((client) => {
    const upstream = createConnection({ host: hostname, port: Number(port) });
    for (const socket of [client, upstream]) socket.on('error', () => {});
    client.pipe(upstream);
    if (!paused) upstream.pipe(client);
    else upstream.pause();
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
    pairs.push({ client, upstream });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}`,
    pause() {
      paused = true;
      for (const { client, upstream } of pairs) {
        upstream.unpipe(client);
        upstream.pause();
      }
    },
    resume() {
      paused = false;
      for (const { client, upstream } of pairs) upstream.pipe(client);
    },
    [Symbol.asyncDispose]: async () => {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream.destroy();
      }
      const closed = once(server, 'close');
      server.close();
      await closed;
    },
  };
}
