import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import { type ApiServer, ConfigSchema, startApiServer } from '@jobstream/server';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { WebServer } from '../server/web-server';
import { startTestWebServer } from './web-server-fixture';

/** A browser at `localAddress` opening the tRPC WebSocket through the proxy: the handshake's status. */
function openSocket(port: number, localAddress: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      localAddress,
      path: '/trpc',
      headers: {
        connection: 'Upgrade',
        upgrade: 'websocket',
        'sec-websocket-version': '13',
        'sec-websocket-key': randomBytes(16).toString('base64'),
        ...headers,
      },
    });
    req.on('upgrade', (res, socket: Socket) => {
      sockets.push(socket);
      resolve(res.statusCode ?? 0);
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

/** A browser at `localAddress` calling `session.create` through the proxy: the response status. */
function createSession(port: number, localAddress: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({
      host: '127.0.0.1',
      port,
      localAddress,
      method: 'POST',
      path: '/trpc/session.create',
      headers: { 'content-type': 'application/json' },
    });
    req.on('response', (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end('{}');
  });
}

const sockets: Socket[] = [];

describe('the bundled setup: browsers → web proxy → API server with TRUST_PROXY=loopback', () => {
  let api: ApiServer;
  let web: WebServer;
  let port: number;

  beforeEach(async () => {
    const config = ConfigSchema.parse({
      PORT: '0',
      LOG_LEVEL: 'silent',
      DATABASE_PATH: ':memory:',
      TRUST_PROXY: 'loopback',
      MAX_CONNECTIONS_PER_ADDRESS: '1',
      MAX_SESSIONS_PER_MINUTE: '1',
    });
    api = await startApiServer({ config });
    web = await startTestWebServer({ API_URL: api.url });
    port = web.port;
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await web.shutdown();
    await api.shutdown();
  });

  it('applies per-address limits to each browser, not to the proxy', async () => {
    expect(await openSocket(port, '127.0.0.2')).toBe(101);
    expect(await openSocket(port, '127.0.0.3')).toBe(101);
    expect(await openSocket(port, '127.0.0.2')).toBe(429);

    expect(await createSession(port, '127.0.0.2')).toBe(200);
    expect(await createSession(port, '127.0.0.3')).toBe(200);
    expect(await createSession(port, '127.0.0.2')).toBe(429);
  });

  it('does not let a browser pick its address with its own X-Forwarded-For', async () => {
    expect(await openSocket(port, '127.0.0.2')).toBe(101);
    expect(await openSocket(port, '127.0.0.2', { 'x-forwarded-for': '203.0.113.7' })).toBe(429);
    expect(await openSocket(port, '127.0.0.2', { forwarded: 'for=203.0.113.8' })).toBe(429);
  });
});
