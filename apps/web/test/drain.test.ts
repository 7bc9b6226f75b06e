import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { waitFor } from '@jobstream/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { PageHandlers, WebServer } from '../server/web-server';
import { startTestWebServer } from './web-server-fixture';

/** A promise and the function that settles it. */
function gate() {
  let open = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { open, opened };
}

/**
 * A stand-in API server: `/trpc/slow` answers once `release` opens, `/trpc/stream` is an event stream that never
 * ends, `/trpc/ping` answers at once, and an upgrade becomes a tunnel that echoes in upper case.
 */
async function startUpstream(release: Promise<void>) {
  const arrived: string[] = [];
  const server = createServer((req, res) => {
    arrived.push(req.url ?? '');
    if (req.url === '/trpc/slow') {
      void release.then(() => res.end('slow answer'));
    } else if (req.url === '/trpc/stream') {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const timer = setInterval(() => res.write('data: tick\n\n'), 20);
      res.once('close', () => clearInterval(timer));
    } else {
      res.end('pong');
    }
  });
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, arrived, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

/** GETs `path` and resolves with the status and the whole body, or rejects if the response is cut. */
function get(port: number, path: string, agent?: Agent): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      res.on('error', reject);
      res.on('aborted', () => reject(new Error('aborted')));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a WebSocket tunnel through the web server: its socket once upgraded. */
function openTunnel(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/trpc',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
      },
    });
    req.on('upgrade', (_res, socket: Socket) => resolve(socket));
    req.on('error', reject);
    req.end();
  });
}

describe('the web server on shutdown (SIGTERM)', () => {
  const servers: Array<{ close(): void }> = [];
  let web: WebServer | undefined;

  afterEach(async () => {
    await web?.shutdown();
    for (const server of servers.splice(0)) server.close();
  });

  async function start(shutdownDrainMs: number, release: Promise<void>, pages?: PageHandlers) {
    const upstream = await startUpstream(release);
    servers.push(upstream.server);
    upstream.server.on('close', () => upstream.server.closeAllConnections());
    web = await startTestWebServer(
      { API_URL: upstream.url, SHUTDOWN_DRAIN_MS: String(shutdownDrainMs) },
      pages ? { pages } : {},
    );
    return { upstream, web };
  }

  it('stops accepting at once, lets a page and a proxied call in flight finish, then ends', async () => {
    const release = gate();
    const pageStarted = gate();
    const pages: PageHandlers = {
      handle: async (_req, res) => {
        pageStarted.open();
        await release.opened;
        res.end('the whole page');
      },
      upgrade: async (_req, socket) => void socket.destroy(),
    };
    const { upstream, web } = await start(60_000, release.opened, pages);
    const page = get(web.port, '/jobs');
    const call = get(web.port, '/trpc/slow');
    await pageStarted.opened;
    await waitFor(() => expect(upstream.arrived).toContain('/trpc/slow'));

    let ended = false;
    const stopped = web.shutdown().then(() => {
      ended = true;
    });
    await expect(get(web.port, '/jobs')).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    expect(ended).toBe(false);

    release.open();
    expect(await page).toEqual({ status: 200, body: 'the whole page' });
    expect(await call).toEqual({ status: 200, body: 'slow answer' });
    await stopped;
    expect(ended).toBe(true);
  });

  it('does not wait for idle keep-alive connections', async () => {
    const { web } = await start(60_000, Promise.resolve());
    const agent = new Agent({ keepAlive: true });
    expect(await get(web.port, '/trpc/ping', agent)).toEqual({ status: 200, body: 'pong' });
    expect(await get(web.port, '/jobs', agent)).toEqual({ status: 200, body: 'page' });
    await web.shutdown(); // with a 60 s drain: resolving at all shows the idle connection did not hold it
    agent.destroy();
  });

  it('cuts a stream and a WebSocket tunnel still open when SHUTDOWN_DRAIN_MS has passed, and ends', async () => {
    const { web } = await start(300, new Promise(() => {}));
    const stream = get(web.port, '/trpc/stream');
    const tunnel = await openTunnel(web.port);
    const echoed = once(tunnel, 'data');
    tunnel.write('hello');
    expect(String((await echoed)[0])).toContain('HELLO');
    const tunnelClosed = once(tunnel, 'close');

    await web.shutdown();
    await expect(stream).rejects.toThrow();
    await tunnelClosed;
    expect(tunnel.destroyed).toBe(true);
  });
});
