import { once } from 'node:events';
import { request } from 'node:http';
import type { Socket } from 'node:net';
import type { UploadProgress } from '@jobstream/contracts';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../../src/index';
import { parseMetrics, progressOf, resultOf, scrapeMetrics, startJob, startTestServer } from '../fixtures';
import { startObservedServer } from '../observed-server';
import { connectGateway, disconnected, receive, startPausableProxy } from './gateway-client';

const ALLOWED = 'http://localhost:3000';
/** Bare handshakes leave sessions that nobody polls; shutdown need not wait for them. */
const QUICK_SHUTDOWN = { SHUTDOWN_DRAIN_MS: '100' };

/** A Socket.IO handshake over long-polling, answered: its status and body. */
async function pollingHandshake(url: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/socket.io/?EIO=4&transport=polling`, { headers });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

/** A Socket.IO handshake over WebSocket: the open socket, or the status its upgrade was refused with. */
function websocketHandshake(url: string, headers: Record<string, string> = {}): Promise<number> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/socket.io/?EIO=4&transport=websocket`, { headers });
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      socket.terminate();
      resolve(101);
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

describe('Socket.IO compatibility path: who may connect', () => {
  it('authenticates the handshake by auth.token or the session cookie, and refuses it without a session', async () => {
    await using server = await startTestServer(QUICK_SHUTDOWN);
    const { token } = await await server.services.sessions.create();
    await using byToken = await connectGateway(server.url, { token });
    await using byCookie = await connectGateway(server.url, { token, cookie: true });
    expect(byToken.socket.connected && byCookie.socket.connected).toBe(true);

    for (const options of [{}, { token: 'x'.repeat(43) }, { token: 'not-a-token', cookie: true }]) {
      const refused = connectGateway(server.url, options);
      await expect(refused).rejects.toMatchObject({
        message: 'No session: send the session cookie or auth.token',
        data: { code: 'UNAUTHORIZED' },
      });
    }
  });

  it('answers a failing identify hook with an internal error, and logs it; the server carries on', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(line) } });
    await using server = await startTestServer(QUICK_SHUTDOWN, {
      logger,
      auth: {
        identify: (req) => {
          if (req.headers['x-fail'] === 'at once') throw new Error('directory down');
          return Promise.reject(new Error('directory down'));
        },
      },
    });
    for (const headers of [{ 'x-fail': 'at once' }, { 'x-fail': 'later' }]) {
      await expect(connectGateway(server.url, { token: 'x', headers })).rejects.toMatchObject({
        message: 'Internal server error',
        data: { code: 'INTERNAL_SERVER_ERROR' },
      });
    }
    expect(lines.filter((line) => line.includes('"procedure failed"') && line.includes('directory down'))).toHaveLength(
      2,
    );
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('lets browsers in from ALLOWED_ORIGINS only, over long-polling and WebSocket', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, ALLOWED_ORIGINS: ALLOWED });
    const allowed = await pollingHandshake(server.url, { origin: ALLOWED });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(allowed.headers.get('access-control-allow-credentials')).toBe('true');
    expect(await websocketHandshake(server.url, { origin: ALLOWED })).toBe(101);

    const evil = { origin: 'http://localhost:3000.evil.example' };
    const refused = await pollingHandshake(server.url, evil);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('access-control-allow-origin')).toBeNull();
    expect(await websocketHandshake(server.url, evil)).toBe(403);
    const { token } = await await server.services.sessions.create();
    await expect(connectGateway(server.url, { token, headers: evil })).rejects.toThrow();
  });

  it('caps connections per client address with 429, over both transports, and frees a slot when one closes', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, MAX_CONNECTIONS_PER_ADDRESS: '2' });
    const { token } = await await server.services.sessions.create();
    const first = await connectGateway(server.url, { token });
    await using second = await connectGateway(server.url, { token, transports: ['polling'] });
    const refused = await pollingHandshake(server.url);
    expect(refused.status).toBe(429);
    expect(JSON.parse(refused.body)).toEqual({ error: 'At most 2 Socket.IO connections per client address' });
    expect(await websocketHandshake(server.url)).toBe(429);
    // The tRPC WebSocket transport counts its own connections.
    expect((await fetch(`${server.url}/trpc/upload.ping`)).status).toBe(200);

    first.socket.disconnect();
    await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(1));
    await using third = await connectGateway(server.url, { token });
    expect(third.socket.connected && second.socket.connected).toBe(true);
  });

  it('charges each new long-polling session to the address’s HTTP request rate', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, MAX_HTTP_REQUESTS_PER_SECOND: '3' });
    // Sent at once: the bucket holds 3 and gets one back every 333 ms, far longer than the five take to arrive (one
    // after another, on a busy machine, they could take longer, and a refill would let a fourth through).
    const answers = await Promise.all(Array.from({ length: 5 }, () => pollingHandshake(server.url)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 200, 200, 429, 429]);
  });

  it('is off with SOCKETIO_COMPAT=0: /socket.io/ is not found, over HTTP and WebSocket', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, SOCKETIO_COMPAT: '0' });
    expect((await pollingHandshake(server.url)).status).toBe(404);
    expect(await websocketHandshake(server.url)).toBe(404);
    expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(0);
  });
});

describe('Socket.IO compatibility path: limits of a connection', () => {
  it('closes a connection that sends more than MAX_MESSAGES_PER_SECOND, running none of the messages past it', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, MAX_MESSAGES_PER_SECOND: '5' });
    const { token } = await await server.services.sessions.create();
    await using client = await connectGateway(server.url, { token, transports: ['websocket'] });
    const reason = disconnected(client.socket);
    // The namespace's connect packet took one of the five.
    for (let i = 0; i < 50; i++) client.socket.emit('ping');
    expect(await reason).toBe('transport close');
    expect(client.payloads('pong').length).toBeLessThanOrEqual(4);
    await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(0));
  });

  it('closes a connection whose message is larger than WS_MAX_PAYLOAD_BYTES', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, WS_MAX_PAYLOAD_BYTES: '1024' });
    const { token } = await await server.services.sessions.create();
    await using client = await connectGateway(server.url, { token, transports: ['websocket'] });
    const reason = disconnected(client.socket);
    client.socket.emit('join-upload-room', { jobId: 'x'.repeat(2_000) });
    expect(await reason).toBe('transport close');
    expect(client.events).toEqual([]);
  });

  it('holds at most MAX_SUBSCRIPTIONS_PER_CONNECTION rooms per connection; a leave frees one', async () => {
    await using server = await startTestServer({ ...QUICK_SHUTDOWN, MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' });
    const { token } = await await server.services.sessions.create();
    const [a, b, c] = [await startJob(server, token), await startJob(server, token), await startJob(server, token)];
    await using client = await connectGateway(server.url, { token });
    expect(await client.socket.emitWithAck('join-upload-room', { jobId: a })).toMatchObject({ ok: true });
    expect(await client.socket.emitWithAck('join-upload-room', { jobId: b })).toMatchObject({ ok: true });
    expect(await client.socket.emitWithAck('join-upload-room', { jobId: c })).toEqual({
      ok: false,
      error: { code: 'TOO_MANY_REQUESTS', message: 'At most 2 subscriptions per connection' },
    });
    await client.socket.emitWithAck('leave-upload-room', { jobId: a });
    expect(await client.socket.emitWithAck('join-upload-room', { jobId: c })).toMatchObject({ ok: true });
  });

  it('holds a bounded amount for a client that stops reading, then gives it the latest state and the terminal event', async () => {
    const SEND_BUFFER_BYTES = 16_384;
    await using observed = await startObservedServer({
      ...QUICK_SHUTDOWN,
      SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES),
    });
    const { server } = observed;
    await using proxy = await startPausableProxy(server.url);
    const { token } = await await server.services.sessions.create();
    const jobId = await startJob(server, token);
    await using slow = await connectGateway(proxy.url, { token, transports: ['websocket'] });
    await slow.socket.emitWithAck('join-upload-room', { jobId });
    // The server's side of the client's connection: what is queued for it there.
    const socket = observed.seen.find((s) => s.url.startsWith('/socket.io/'))?.socket as Socket;
    proxy.pause();

    const errors = Array.from({ length: 100 }, (_, i) => `Row ${i}: email: ${'x'.repeat(80)}`);
    const eventBytes = JSON.stringify(errors).length + 400;
    let maxQueued = 0;
    let maxCounted = 0;
    for (let i = 1; i <= 5_000; i++) {
      server.hub.emitter.emitProgress(jobId, { ...progressOf(jobId, i / 50), processed: i, total: 5_000, errors });
      if (i % 10 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        maxQueued = Math.max(maxQueued, socket.writableLength);
        maxCounted = Math.max(maxCounted, parseMetrics(await server.metrics()).jobstream_socketio_queued_bytes ?? 0);
      }
    }
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    // What waits in Engine.IO's write buffer stops at the event that crossed the limit; the socket holds at most
    // the one batch Engine.IO handed over before, itself bounded the same way.
    expect(maxCounted).toBeGreaterThan(SEND_BUFFER_BYTES);
    expect(maxCounted).toBeLessThanOrEqual(SEND_BUFFER_BYTES + eventBytes);
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(SEND_BUFFER_BYTES + eventBytes);
    expect(server.hub.metrics().eventsDelivered).toBeLessThan(5_000);

    proxy.resume();
    await receive(slow, 'upload-completed');
    const progress = slow.payloads<UploadProgress>('upload-progress');
    expect(progress.length).toBeLessThan(5_000);
    expect(progress.at(-1)).toMatchObject({ processed: 5_000, progress: 100 });
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]?.processed).toBeGreaterThan(progress[i - 1]?.processed as number);
    }
    expect(slow.payloads('upload-completed')).toHaveLength(1);
    expect(slow.events.at(-1)?.[0]).toBe('upload-completed');
    expect(parseMetrics(await server.metrics()).jobstream_events_conflated_total).toBeGreaterThan(0);
  });
});

describe('Socket.IO compatibility path: the raw protocol', () => {
  it('accepts an Engine.IO handshake without a Socket.IO client, and closes it when no namespace is joined', async () => {
    await using server = await startTestServer(QUICK_SHUTDOWN);
    const handshake = await pollingHandshake(server.url);
    expect(handshake.status).toBe(200);
    expect(JSON.parse(handshake.body.slice(1))).toMatchObject({ upgrades: ['websocket'], maxPayload: 65536 });
    const sid = (JSON.parse(handshake.body.slice(1)) as { sid: string }).sid;
    // A poll for an unknown session is refused, not a new session.
    const unknown = await fetch(`${server.url}/socket.io/?EIO=4&transport=polling&sid=nope`);
    expect(unknown.status).toBe(400);
    // The session the handshake opened is counted until it closes.
    expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(1);
    const close = request(`${server.url}/socket.io/?EIO=4&transport=polling&sid=${sid}`, { method: 'POST' });
    close.end('1');
    const [response] = (await once(close, 'response')) as [{ statusCode: number; resume(): void }];
    response.resume();
    expect(response.statusCode).toBe(200);
    await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(0));
  });
});
