import { describe, expect, it, vi } from 'vitest';
import type { WebSocket as WsSocket } from 'ws';
import {
  connectClient,
  follow,
  followToEnd,
  progressOf,
  type Received,
  resultOf,
  startJob,
  startTestServer,
  type TestClient,
  upload,
  usersCsv,
} from './fixtures';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Leak tests open and close subscriptions much faster than a person would: lift the per-connection message rate. */
const ENV = { JOB_RETENTION_MS: '0', MAX_MESSAGES_PER_SECOND: '1000000', PROGRESS_INTERVAL_MS: '0' };

/** `/metrics` fetched over HTTP and parsed from the Prometheus text format. */
async function scrape(server: Server): Promise<Record<string, number>> {
  const response = await fetch(`${server.url}/metrics`);
  expect(response.status).toBe(200);
  const values: Record<string, number> = {};
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, value] = line.split(' ');
    values[name as string] = Number(value);
  }
  return values;
}

async function expectGauges(server: Server, expected: Record<string, number>): Promise<void> {
  await vi.waitFor(
    async () => {
      const values = await scrape(server);
      for (const [name, value] of Object.entries(expected))
        expect({ name, value: values[name] }).toEqual({ name, value });
    },
    { timeout: 5_000, interval: 20 },
  );
}

const IDLE = { jobstream_subscriptions_active: 0, jobstream_listeners_active: 0 };

/** One subscription whose first event is awaited: how it ends is up to the caller. */
function subscribeOnce(client: TestClient, jobId: string, signal?: AbortSignal) {
  let settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => {}, reject: () => {} };
  const first = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
    setTimeout(() => reject(new Error('no first event')), 5_000).unref();
  });
  const sub = client.trpc.upload.onProgress.subscribe(
    { jobId },
    { signal, onData: () => settle.resolve(), onError: (error) => settle.reject(error) },
  );
  return { first, unsubscribe: () => sub.unsubscribe() };
}

/** The `ws` socket under a tRPC WebSocket client, to cut it without a close handshake. */
function rawSocket(client: TestClient): WsSocket {
  const socket = client.ws?.connection?.ws;
  if (!socket) throw new Error('not connected');
  return socket as unknown as WsSocket;
}

async function followAll(clients: TestClient[], jobs: string[], perClient: number): Promise<Received[]> {
  const all: Received[] = [];
  for (const client of clients)
    for (let i = 0; i < perClient; i++) all.push(follow(client, jobs[i % jobs.length] as string));
  await vi.waitFor(() => expect(all.every((got) => got.data.length > 0)).toBe(true), { timeout: 10_000 });
  return all;
}

describe('no leaks over real connections', () => {
  it('returns subscriptions and listeners to 0 after 1,000 subscribe/unsubscribe cycles over 4 clients', async () => {
    await using server = await startTestServer({ ...ENV, MAX_SUBSCRIPTIONS_PER_CONNECTION: '3' });
    const clients = Array.from({ length: 4 }, () => connectClient(server));
    const jobs = clients.map((client) => startJob(server, client.token));
    await Promise.all(
      clients.map(async (client, c) => {
        const jobId = jobs[c] as string;
        for (let i = 0; i < 250; i++) {
          if (i % 3 === 0) {
            // Abort-style ending through the client's AbortSignal.
            const abort = new AbortController();
            const sub = subscribeOnce(client, jobId, abort.signal);
            await sub.first;
            abort.abort();
          } else if (i % 3 === 1) {
            const sub = subscribeOnce(client, jobId);
            await sub.first;
            sub.unsubscribe();
          } else {
            // Stopped before the server could send anything.
            const got = follow(client, jobId);
            got.unsubscribe();
          }
          if (i % 50 === 49) server.hub.emitter.emitProgress(jobId, progressOf(jobId, (i + 1) / 50));
        }
      }),
    );
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 4, jobstream_ws_connections: 4 });
    // Every connection got its subscription slots back: it can hold its 3 again, and no more.
    for (const [c, client] of clients.entries()) {
      const held = [0, 1, 2].map(() => follow(client, jobs[c] as string));
      await vi.waitFor(() => expect(held.every((got) => got.data.length === 1)).toBe(true));
      const extra = follow(client, jobs[c] as string);
      await vi.waitFor(() => expect(extra.errors).toHaveLength(1));
      expect(extra.errors[0]).toMatchObject({ data: { code: 'TOO_MANY_REQUESTS' } });
      for (const got of held) got.unsubscribe();
    }
    await expectGauges(server, IDLE);
    for (const jobId of jobs) server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0 });
    await Promise.all(clients.map((client) => client[Symbol.asyncDispose]()));
    await expectGauges(server, { ...IDLE, jobstream_ws_connections: 0 });
  });

  it('cleans up after a client closes its socket and after a socket is cut without a close handshake', async () => {
    await using server = await startTestServer(ENV);
    const owner = connectClient(server);
    const jobs = Array.from({ length: 5 }, () => startJob(server, owner.token));

    const closing = [connectClient(server, { token: owner.token }), connectClient(server, { token: owner.token })];
    await followAll(closing, jobs, 20);
    await expectGauges(server, { jobstream_subscriptions_active: 40, jobstream_listeners_active: 40 });
    await Promise.all(closing.map((client) => client.ws?.close()));
    await expectGauges(server, IDLE);

    // Clients that would only reconnect after a minute: the server sees their sockets vanish, nothing more.
    const cut = [0, 1].map(() => connectClient(server, { token: owner.token, retryDelayMs: () => 60_000 }));
    await followAll(cut, jobs, 20);
    await expectGauges(server, { jobstream_subscriptions_active: 40, jobstream_ws_connections: 3 });
    for (const client of cut) rawSocket(client).terminate(); // no close frame: a network fault
    await expectGauges(server, { ...IDLE, jobstream_ws_connections: 1 });
    await Promise.all(cut.map((client) => client[Symbol.asyncDispose]()));

    await owner[Symbol.asyncDispose]();
    for (const jobId of jobs) server.hub.emitter.emitError(jobId, 'Stopped');
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0, jobstream_ws_connections: 0 });
  });

  it('does not duplicate subscriptions when the server cuts connections and clients resubscribe', async () => {
    await using server = await startTestServer(ENV);
    const owner = connectClient(server);
    const jobs = Array.from({ length: 3 }, () => startJob(server, owner.token));
    const same = [owner, connectClient(server, { token: owner.token }), connectClient(server, { token: owner.token })];
    const followed = await followAll(same, jobs, 10);
    await expectGauges(server, { jobstream_subscriptions_active: 30, jobstream_listeners_active: 30 });

    for (let round = 0; round < 3; round++) {
      server.dropConnections();
      // The clients reconnect on their own and resume every subscription; nothing is left behind from before.
      await vi.waitFor(async () => expect((await scrape(server)).jobstream_ws_connections).toBe(3), { timeout: 5_000 });
      await expectGauges(server, { jobstream_subscriptions_active: 30, jobstream_listeners_active: 30 });
    }
    for (const jobId of jobs) server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await vi.waitFor(() => expect(followed.every((got) => got.done)).toBe(true), { timeout: 5_000 });
    expect(followed.every((got) => got.errors.length === 0)).toBe(true);
    expect(followed.every((got) => got.data.at(-1)?.event === 'upload-completed')).toBe(true);
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0 });
    await Promise.all(same.map((client) => client[Symbol.asyncDispose]()));
    await expectGauges(server, { jobstream_ws_connections: 0 });
  });

  it('returns subscriptions and listeners to 0 after 200 SSE subscribe/unsubscribe cycles', async () => {
    await using server = await startTestServer(ENV);
    const owner = connectClient(server, { transport: 'sse' });
    const jobs = [startJob(server, owner.token), startJob(server, owner.token)];
    for (let batch = 0; batch < 20; batch++) {
      const open = Array.from({ length: 10 }, (_, i) => follow(owner, jobs[i % 2] as string));
      await vi.waitFor(() => expect(open.every((got) => got.data.length > 0)).toBe(true), { timeout: 5_000 });
      for (const got of open) got.unsubscribe();
    }
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 2 });
    for (const jobId of jobs) server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0 });
    await owner[Symbol.asyncDispose]();
  });

  it('releases every room once real imports end (JOB_RETENTION_MS=0), with subscribers and late subscribers', async () => {
    await using server = await startTestServer(ENV);
    await using client = connectClient(server);
    const jobIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await upload(server, {
        token: client.token,
        body: `${usersCsv(3_000, { offset: i * 3_000 })}bad,x,y\n`,
      });
      jobIds.push(res.body.jobId as string);
    }
    const watching = jobIds.map((jobId) => follow(client, jobId));
    await vi.waitFor(() => expect(watching.every((got) => got.done)).toBe(true), { timeout: 20_000 });
    expect(watching.map((got) => got.data.at(-1)?.event)).toEqual([
      'upload-completed',
      'upload-completed',
      'upload-completed',
    ]);
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0 });

    // A late subscriber is served from storage and leaves nothing behind.
    for (const jobId of jobIds) {
      const late = await followToEnd(client, jobId);
      expect(late.errors).toEqual([]);
      expect(late.data).toEqual([expect.objectContaining({ event: 'upload-completed', snapshot: true })]);
      expect(late.data[0]?.payload).toMatchObject({ processed: 3_001, failed: 1 });
    }
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0 });
  });
});
