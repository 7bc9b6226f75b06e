import { randomUUID } from 'node:crypto';
import type { UploadProgress } from '@jobstream/contracts';
import { waitFor } from '@jobstream/testing';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import type { ApiServer } from '../../src/index';
import {
  holdImports,
  progressOf,
  resultOf,
  scrapeMetrics,
  startJob,
  startTestServer,
  upload,
  usersCsv,
} from '../fixtures';
import { clientOptions, connectGateway, disconnected, type GatewayClient, receive } from './gateway-client';
import { type FrontendConsole, watchUpload } from './gateway-frontend';

/** Imports report every batch (1,000 rows), so a 5,000-row file gives several progress events. */
const ENV = { PROGRESS_INTERVAL_MS: '0' };

/** What the frontend logged. */
function recorder() {
  const lines: { log: unknown[][]; error: unknown[][] } = { log: [], error: [] };
  const console: FrontendConsole = {
    log: (...args: unknown[]) => void lines.log.push(args),
    error: (...args: unknown[]) => void lines.error.push(args),
  };
  return { lines, console };
}

function progressValues(client: GatewayClient): number[] {
  return client.payloads<UploadProgress>('upload-progress').map((p) => p.progress);
}

function expectNonDecreasing(values: readonly number[]): void {
  for (let i = 1; i < values.length; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1] as number);
}

async function expectIdle(server: ApiServer): Promise<void> {
  await waitFor(async () => {
    const metrics = await scrapeMetrics(server);
    expect(metrics).toMatchObject({
      jobstream_subscriptions_active: 0,
      jobstream_listeners_active: 0,
      jobstream_socketio_connections: 0,
      jobstream_socketio_queued_bytes: 0,
    });
  });
}

describe('the old gateway’s frontend code, unchanged, against the compatibility path', () => {
  for (const transports of [undefined, ['polling'] as Array<'polling'>]) {
    const name = transports ? 'on long-polling only' : 'with socket.io-client’s defaults (polling, then WebSocket)';
    it(`follows a real import to its one completion, progress never going back, ${name}`, async () => {
      await using server = await startTestServer(ENV);
      const { token } = await await server.services.sessions.create();
      const held = holdImports(server);
      const { body } = await upload(server, { token, body: usersCsv(5_000) });
      const jobId = body.jobId as string;
      await waitFor(() => expect(held.held.has(jobId)).toBe(true));

      // A browser on the web app's origin sends the session cookie with the handshake; here the client does.
      const page = recorder();
      const withCookie = ((url: string) =>
        io(url, clientOptions({ token, cookie: true, ...(transports ? { transports } : {}) }))) as typeof io;
      const socket = watchUpload(withCookie, server.url, jobId, page.console);
      await waitFor(() => expect(page.lines.log.length).toBeGreaterThan(0));
      held.release();
      await waitFor(() => expect(page.lines.log.some(([line]) => line === 'Upload completed:')).toBe(true));

      const progress = page.lines.log
        .filter(([line]) => typeof line === 'string' && line.startsWith('Progress: '))
        .map(([line]) => Number(/^Progress: ([\d.]+)%/.exec(line as string)?.[1]));
      expect(progress.length).toBeGreaterThanOrEqual(2);
      expectNonDecreasing(progress);
      const completions = page.lines.log.filter(([line]) => line === 'Upload completed:');
      expect(completions).toHaveLength(1);
      expect(completions[0]?.[1]).toMatchObject({ jobId, status: 'completed', processed: 5_000, inserted: 5_000 });
      expect(page.lines.error).toEqual([]);
      if (transports) expect(socket.io.engine.transport.name).toBe('polling');

      // The frontend left the room after the completion; closing the page releases everything.
      socket.disconnect();
      await expectIdle(server);
    });
  }
});

describe('Socket.IO compatibility path', () => {
  it('gives a late joiner the job’s current state at once, then every event', async () => {
    await using server = await startTestServer();
    const { token } = await await server.services.sessions.create();
    const jobId = await startJob(server, token);
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 10));
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 40));

    await using late = await connectGateway(server.url, { token });
    const ack = await late.socket.emitWithAck('join-upload-room', { jobId });
    expect(ack).toEqual({ ok: true, room: `upload:${jobId}` });
    expect(late.events).toEqual([['upload-progress', progressOf(jobId, 40)]]);

    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 70));
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await receive(late, 'upload-completed');
    expect(late.events).toEqual([
      ['upload-progress', progressOf(jobId, 40)],
      ['upload-progress', progressOf(jobId, 70)],
      ['upload-completed', resultOf(jobId)],
    ]);
  });

  it('delivers an ended job’s terminal event on join, while its room is in memory', async () => {
    await using server = await startTestServer();
    const { token } = await await server.services.sessions.create();
    const jobId = await startJob(server, token);
    server.hub.emitter.emitError(jobId, 'Cancelled');
    await using client = await connectGateway(server.url, { token });
    client.socket.emit('join-upload-room', { jobId });
    await receive(client, 'upload-error');
    expect(client.events).toEqual([
      ['upload-error', { jobId, templateName: 'users', status: 'failed', message: 'Cancelled' }],
    ]);
  });

  it('delivers an ended import’s completion on join once its room has left memory, from storage', async () => {
    await using server = await startTestServer({ ...ENV, JOB_RETENTION_MS: '0' });
    const { token } = await await server.services.sessions.create();
    const { body } = await upload(server, { token, body: usersCsv(1_500) });
    const jobId = body.jobId as string;
    await waitFor(async () => expect((await server.services.jobs.get(jobId))?.status).toBe('completed'));
    await waitFor(async () => expect(await server.hub.log.latest(jobId)).toBeUndefined());

    await using client = await connectGateway(server.url, { token });
    client.socket.emit('join-upload-room', { jobId });
    await receive(client, 'upload-completed');
    expect(client.events).toHaveLength(1);
    expect(client.payloads('upload-completed')[0]).toMatchObject({ jobId, processed: 1_500, inserted: 1_500 });
  });

  it('answers a join of another session’s job with the not-found error only, the same as for a missing job', async () => {
    await using server = await startTestServer();
    const owner = (await server.services.sessions.create()).token;
    const stranger = (await server.services.sessions.create()).token;
    const jobId = await startJob(server, owner);
    const missing = randomUUID();

    await using client = await connectGateway(server.url, { token: stranger });
    client.socket.emit('join-upload-room', { jobId });
    client.socket.emit('join-upload-room', { jobId: missing });
    await receive(client, 'upload-error', 2);
    expect(await client.socket.emitWithAck('join-upload-room', { jobId })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: `No job ${jobId}` },
    });
    expect(await client.socket.emitWithAck('join-upload-room', { jobId: missing })).toEqual({
      ok: false,
      error: { code: 'NOT_FOUND', message: `No job ${missing}` },
    });

    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    // The owner, joining after, sees the job; the stranger saw nothing but the two refusals.
    await using own = await connectGateway(server.url, { token: owner });
    own.socket.emit('join-upload-room', { jobId });
    await receive(own, 'upload-completed');
    // The two joins were sent at once and each looks its job up in the store: their answers may come in either order.
    const refusals = client.events.map(([name, payload]) => [name, payload] as const);
    expect(refusals).toHaveLength(2);
    expect(refusals).toEqual(
      expect.arrayContaining([
        ['upload-error', { jobId, status: 'failed', message: `No job ${jobId}` }],
        ['upload-error', { jobId: missing, status: 'failed', message: `No job ${missing}` }],
      ]),
    );
  });

  it('refuses malformed joins in the words of the tRPC procedure, and keeps the connection', async () => {
    await using server = await startTestServer();
    const { token } = await await server.services.sessions.create();
    await using client = await connectGateway(server.url, { token });
    client.socket.emit('join-upload-room', { jobId: 'nope' });
    expect(await client.socket.emitWithAck('join-upload-room', 'nope')).toEqual({
      ok: false,
      error: { code: 'BAD_REQUEST', message: expect.stringMatching(/^Invalid input \(input: /) },
    });
    expect(await client.socket.emitWithAck('leave-upload-room', {})).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    });
    await receive(client, 'upload-error');
    expect(client.payloads('upload-error')).toEqual([
      { jobId: 'nope', status: 'failed', message: 'Invalid input (jobId: jobId must be a UUID)' },
    ]);
    expect(client.socket.connected).toBe(true);
  });

  it('answers ping with pong, and with an acknowledgement when asked', async () => {
    await using server = await startTestServer();
    const { token } = await await server.services.sessions.create();
    await using client = await connectGateway(server.url, { token });
    const before = Date.now();
    client.socket.emit('ping');
    await receive(client, 'pong');
    const [pong] = client.payloads<{ event: string; serverTime: number }>('pong');
    expect(pong).toEqual({ event: 'pong', serverTime: expect.any(Number) });
    expect(pong?.serverTime).toBeGreaterThanOrEqual(before);
    expect(await client.socket.emitWithAck('ping')).toMatchObject({ event: 'pong' });
  });

  it('stops a room’s events at leave, and a second join of a room the socket is in changes nothing', async () => {
    await using server = await startTestServer();
    const { token } = await await server.services.sessions.create();
    const jobId = await startJob(server, token);
    await using client = await connectGateway(server.url, { token });
    await client.socket.emitWithAck('join-upload-room', { jobId });
    expect(await client.socket.emitWithAck('join-upload-room', { jobId })).toEqual({
      ok: true,
      room: `upload:${jobId}`,
    });
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 20));
    await receive(client, 'upload-progress', 2);

    expect(await client.socket.emitWithAck('leave-upload-room', { jobId })).toEqual({
      ok: true,
      room: `upload:${jobId}`,
    });
    expect((await scrapeMetrics(server)).jobstream_subscriptions_active).toBe(0);
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 30));
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    // A ping after the events: its pong arrives after anything they could have sent.
    await client.socket.emitWithAck('ping');
    expect(progressValues(client)).toEqual([0, 20]);
    expect(client.payloads('upload-completed')).toEqual([]);
  });

  it('releases every subscription and connection however sockets go, as /metrics shows', async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '100' });
    const { token } = await server.services.sessions.create();
    const jobs = await Promise.all(Array.from({ length: 3 }, () => startJob(server, token)));
    const clients: GatewayClient[] = [];
    for (let i = 0; i < 12; i++) {
      const client = await connectGateway(server.url, { token, ...(i % 2 ? { transports: ['polling'] } : {}) });
      for (const jobId of jobs) client.socket.emit('join-upload-room', { jobId });
      clients.push(client);
    }
    await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_subscriptions_active).toBe(36));
    expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(12);

    // Every way out: the client disconnects, a join still opening when the socket goes, the network drops.
    for (const client of clients.slice(0, 4)) client.socket.disconnect();
    for (const client of clients.slice(4, 8)) {
      client.socket.emit('join-upload-room', { jobId: await startJob(server, token) });
      client.socket.disconnect();
    }
    await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_socketio_connections).toBe(4));
    server.testing.dropConnections();
    await Promise.all(clients.slice(8).map((client) => disconnected(client.socket)));
    await expectIdle(server);
  });

  it('sends a running job’s interruption on shutdown, then closes as a transport close (which socket.io-client reconnects after)', async () => {
    const server = await startTestServer({ ...ENV, SHUTDOWN_DRAIN_MS: '1000' });
    const { token } = await await server.services.sessions.create();
    const held = holdImports(server);
    const { body } = await upload(server, { token, body: usersCsv(5_000) });
    const jobId = body.jobId as string;
    await waitFor(() => expect(held.held.has(jobId)).toBe(true));
    await using client = await connectGateway(server.url, { token });
    client.socket.emit('join-upload-room', { jobId });
    await receive(client, 'upload-progress');

    const reason = disconnected(client.socket);
    await server.shutdown();
    expect(await reason).toBe('transport close');
    expect(client.payloads('upload-error')).toEqual([
      expect.objectContaining({ jobId, status: 'failed', message: 'Interrupted by server restart' }),
    ]);
  });
});
