import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';

/** A TCP load balancer on 127.0.0.1: each new connection goes to the next live backend in turn. */
export interface RoundRobinProxy extends AsyncDisposable {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The backends' ports, in turn order; replaceable while running (a backend restarted on a new port, say). */
  backends: number[];
  /** Connections open through the proxy now. */
  readonly connections: number;
  /** Which backend each connection went to, in order (ports), for tests. */
  readonly history: readonly number[];
  close(): Promise<void>;
}

/**
 * Starts a round-robin TCP proxy in front of `backends` (ports on 127.0.0.1). A connection to a backend that refuses
 * it is tried on the next one, so a dead instance costs its clients nothing but a reconnect; when every backend
 * refuses, the client's connection is closed. No sticky sessions: that is the point.
 */
export async function startRoundRobinProxy(backends: number[], port = 0): Promise<RoundRobinProxy> {
  let next = 0;
  /** Every socket, both ends, to cut on close. */
  const open = new Set<Socket>();
  const clients = new Set<Socket>();
  const history: number[] = [];
  const proxy: RoundRobinProxy = {
    url: '',
    port: 0,
    backends,
    get connections() {
      return clients.size;
    },
    history,
    close: async () => {
      for (const socket of open) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
    [Symbol.asyncDispose]: () => proxy.close(),
  };

  const connect = (client: Socket, attempts: number) => {
    const targets = proxy.backends;
    if (attempts >= targets.length) return client.destroy();
    const target = targets[next++ % targets.length] as number;
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    let connected = false;
    upstream.once('connect', () => {
      connected = true;
      if (client.destroyed) return upstream.destroy();
      history.push(target);
      open.add(upstream);
      upstream.once('close', () => {
        open.delete(upstream);
        client.destroy();
      });
      client.once('close', () => upstream.destroy());
      client.pipe(upstream).pipe(client);
      client.resume();
    });
    upstream.on('error', () => {
      // A backend that is down: the next one in turn, until each has been tried once. One that fails after it
      // connected (reset, killed) only closes: its client has already spoken to it, and reconnects by itself.
      if (!connected) connect(client, attempts + 1);
    });
  };

  const server: Server = createServer({ pauseOnConnect: true }, (client) => {
    open.add(client);
    clients.add(client);
    client.once('close', () => {
      open.delete(client);
      clients.delete(client);
    });
    client.on('error', () => client.destroy());
    connect(client, 0);
  });
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the proxy has no port');
  proxy.port = address.port;
  proxy.url = `http://127.0.0.1:${address.port}`;
  return proxy;
}
