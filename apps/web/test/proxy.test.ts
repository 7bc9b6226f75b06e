import { once } from 'node:events';
import { createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { createLogger } from '@jobstream/logger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ProxyContext, proxyHttp } from '../server/proxy-http';
import { proxyUpgrade } from '../server/proxy-upgrade';

/** What the web server passes with each request: the id it logs the request under. */
const context: ProxyContext = { requestId: 'web-request-1', log: createLogger({ level: 'silent' }) };

/** A stand-in API server: echoes what it was sent, sets two cookies, and speaks a toy upgraded protocol. */
function startUpstream(): Server {
  const server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
    });
    req.on('end', () => {
      res.setHeader('set-cookie', ['a=1; HttpOnly', 'b=2; Path=/']);
      res.writeHead(req.url === '/uploads?template=users' ? 201 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, bytes }));
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Socket) => {
    if (!req.headers.cookie) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Length: 12\r\nConnection: close\r\n\r\nunauthorized');
      return;
    }
    socket.write('HTTP/1.1 101 Switching Protocols\r\nUpgrade: toy\r\nConnection: Upgrade\r\n\r\n');
    socket.on('data', (chunk: Buffer) => socket.write(chunk.toString().toUpperCase()));
  });
  return server;
}

function startProxy(target: URL): Server {
  const server = createServer((req, res) => proxyHttp(target, req, res, context));
  server.on('upgrade', (req, socket, head) => proxyUpgrade(target, req, socket, head, context));
  return server;
}

async function listen(server: Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

function send(
  port: number,
  options: { method?: string; path: string; headers?: Record<string, string>; body?: string },
): Promise<{ res: IncomingMessage; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      method: options.method ?? 'GET',
      path: options.path,
      headers: options.headers,
    });
    req.on('response', (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ res, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function upgrade(port: number, headers: Record<string, string>): Promise<{ socket: Socket; res: IncomingMessage }> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      path: '/trpc',
      headers: { connection: 'Upgrade', upgrade: 'toy', ...headers },
    });
    req.on('upgrade', (res, socket) => resolve({ socket, res }));
    req.on('response', (res) => reject(new Error(`refused with ${res.statusCode}`)));
    req.on('error', reject);
    req.end();
  });
}

describe('the web server proxy', () => {
  const upstream = startUpstream();
  let proxy: Server;
  let proxyPort: number;

  beforeAll(async () => {
    const upstreamPort = await listen(upstream);
    proxy = startProxy(new URL(`http://127.0.0.1:${upstreamPort}`));
    proxyPort = await listen(proxy);
  });

  afterAll(() => {
    proxy.closeAllConnections();
    upstream.closeAllConnections();
    proxy.close();
    upstream.close();
  });

  it('forwards Cookie, Origin and Host, sets X-Forwarded-* and X-Request-Id itself and returns every Set-Cookie', async () => {
    const { res, body } = await send(proxyPort, {
      path: '/trpc/session.current',
      headers: {
        cookie: 'jobstream_session=t',
        origin: 'http://localhost:3000',
        host: 'localhost:3000',
        'x-forwarded-for': '203.0.113.9',
        'x-request-id': 'chosen-by-the-client',
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2; Path=/']);
    const seen = JSON.parse(body) as { url: string; headers: Record<string, string> };
    expect(seen.url).toBe('/trpc/session.current');
    expect(seen.headers).toMatchObject({
      cookie: 'jobstream_session=t',
      origin: 'http://localhost:3000',
      host: 'localhost:3000',
      'x-forwarded-host': 'localhost:3000',
      'x-forwarded-proto': 'http',
      'x-forwarded-for': '127.0.0.1',
      'x-request-id': 'web-request-1',
    });
  });

  it('streams a request body and keeps the status and query', async () => {
    const payload = 'email,name\n'.repeat(10_000);
    const { res, body } = await send(proxyPort, {
      method: 'POST',
      path: '/uploads?template=users',
      headers: { 'content-type': 'text/csv' },
      body: payload,
    });
    expect(res.statusCode).toBe(201);
    expect(JSON.parse(body)).toMatchObject({ method: 'POST', bytes: payload.length });
  });

  it('pipes an accepted upgrade both ways', async () => {
    const { socket, res } = await upgrade(proxyPort, { cookie: 'jobstream_session=t' });
    expect(res.statusCode).toBe(101);
    socket.write('hello');
    const [echo] = (await once(socket, 'data')) as [Buffer];
    expect(echo.toString()).toBe('HELLO');
    socket.destroy();
  });

  it('relays a refused upgrade with its status and body', async () => {
    await expect(upgrade(proxyPort, {})).rejects.toThrow('refused with 401');
  });

  it('answers 502 when the API server is down', async () => {
    const dead = startProxy(new URL('http://127.0.0.1:9'));
    const port = await listen(dead);
    const { res, body } = await send(port, { path: '/trpc/upload.ping' });
    expect(res.statusCode).toBe(502);
    expect(JSON.parse(body)).toEqual({ error: 'jobstream is not answering right now. Try again in a moment.' });
    dead.close();
  });
});
