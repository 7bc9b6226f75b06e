import { WAIT_TIMEOUT_MS, waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import type { WebSocket as WsSocket } from 'ws';
import {
  connectClient,
  follow,
  followToEnd,
  progressOf,
  type Received,
  resultOf,
  scrapeMetrics,
  startJob,
  startTestServer,
  type TestClient,
  type Transport,
  upload,
  usersCsv,
} from './fixtures';
import { startObservedServer } from './observed-server';
import { connectTo } from './wire-client';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** Leak tests open and close subscriptions much faster than a person would: lift the per-connection and per-address rates. */
const ENV = {
  JOB_RETENTION_MS: '0',
  MAX_MESSAGES_PER_SECOND: '1000000',
  MAX_HTTP_REQUESTS_PER_SECOND: '1000000',
  MAX_CONNECTIONS_PER_ADDRESS: '1000',
  PROGRESS_INTERVAL_MS: '0',
  // Connections a client opened but never sent a request on (an SSE fetch aborted at once) would hold shutdown
  // for this long; it is not what these tests are about.
  SHUTDOWN_DRAIN_MS: '100',
};

async function expectGauges(server: Server, expected: Record<string, number>): Promise<void> {
  await waitFor(
    async () => {
      const values = await scrapeMetrics(server);
      for (const [name, value] of Object.entries(expected))
        expect({ name, value: values[name] }).toEqual({ name, value });
    },
    { interval: 20 },
  );
}

const IDLE = { jobstream_subscriptions_active: 0, jobstream_listeners_active: 0 };

/** One subscription whose first event is awaited: how it ends is up to the caller. */
function subscribeOnce(client: TestClient, jobId: string, signal?: AbortSignal) {
  let settle: { resolve: () => void; reject: (error: unknown) => void } = { resolve: () => {}, reject: () => {} };
  const first = new Promise<void>((resolve, reject) => {
    settle = { resolve, reject };
    setTimeout(() => reject(new Error('no first event')), WAIT_TIMEOUT_MS).unref();
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
  await waitFor(() => expect(all.every((got) => got.data.length > 0)).toBe(true));
  return all;
}

describe('no leaks over real connections', () => {
  it('returns rooms, subscriptions and listeners to 0 after 1,000 cycles ending every way, over WebSocket and SSE', async () => {
    await using observed = await startObservedServer({ ...ENV, MAX_SUBSCRIPTIONS_PER_CONNECTION: '3' });
    const { server } = observed;
    const { emitter } = server.hub;
    const owner = (await server.services.sessions.create()).token;
    // Long-lived: four WebSocket connections, each cycling through its 3 subscription slots, and an SSE client.
    const steady = await Promise.all([0, 1, 2, 3].map(() => connectTo(server, 'ws', { token: owner })));
    const sse = await connectTo(server, 'sse', { token: owner });
    const steadyJobs = await Promise.all(Array.from({ length: steady.length + 1 }, () => startJob(server, owner)));
    const sseJob = steadyJobs[steady.length] as string;
    let emitted = steadyJobs.length;
    let received = 0;
    let stoppedEarly = 0;
    let cycles = 0;

    /** One subscription that ends as `how` says; resolves when it has. */
    const cycle = async (client: TestClient, jobId: string, how: 'abort' | 'unsubscribe' | 'early') => {
      cycles++;
      if (how === 'early') {
        stoppedEarly++;
        follow(client, jobId).unsubscribe(); // stopped before the server could send anything
        return;
      }
      const abort = new AbortController();
      const sub = subscribeOnce(client, jobId, abort.signal);
      await sub.first;
      received++;
      if (how === 'abort') abort.abort();
      else sub.unsubscribe();
    };
    const HOW = ['abort', 'unsubscribe', 'early'] as const;

    /**
     * `count` subscriptions held open by fresh clients of a fresh session (over WebSocket, 3 to a connection);
     * resolves once each has its first event.
     */
    const held = async (transport: Transport, count: number) => {
      const token = (await server.services.sessions.create()).token;
      const jobId = await startJob(server, token);
      emitted++;
      // Retrying only after a minute: whatever ends these subscriptions, the clients do not come back.
      const clients = await Promise.all(
        Array.from({ length: transport === 'ws' ? Math.ceil(count / 3) : 1 }, () =>
          connectTo(server, transport, { token, retryDelayMs: 60_000 }),
        ),
      );
      const subs = Array.from({ length: count }, (_, i) => follow(clients[i % clients.length] as TestClient, jobId));
      cycles += count;
      await waitFor(() => expect(subs.every((got) => got.data.length === 1)).toBe(true), { interval: 5 });
      received += count;
      return { token, jobId, clients, subs };
    };

    // Five rounds of 200 cycles, run side by side within a round.
    for (let round = 0; round < 5; round++) {
      const wsClosed = held('ws', 32);
      const wsCut = held('ws', 32);
      const sseCut = held('sse', 40);
      await Promise.all([
        // 48 on the steady WebSocket connections, one at a time per connection.
        ...steady.map(async (client, c) => {
          for (let i = 0; i < 12; i++) await cycle(client, steadyJobs[c] as string, HOW[i % 3] as (typeof HOW)[number]);
        }),
        // 48 over SSE, each its own request.
        ...Array.from({ length: 48 }, (_, i) => cycle(sse, sseJob, HOW[i % 3] as (typeof HOW)[number])),
        // 32 ended by the client closing its socket: with a close handshake, or (odd rounds) without one.
        wsClosed.then(async ({ clients }) => {
          for (const client of clients) {
            if (round % 2 === 0) await client.ws?.close();
            else rawSocket(client).terminate();
          }
        }),
        // 32 + 40 ended by the server cutting the connections under them.
        wsCut.then(({ token }) => observed.cut(token)),
        sseCut.then(({ token }) => observed.cut(token)),
      ]);
      // The server has let go of every one of them, whichever way it ended...
      await expectGauges(server, IDLE);
      // ...so the jobs' ends reach no one, and their rooms are released.
      for (const { clients, subs, jobId } of await Promise.all([wsClosed, wsCut, sseCut])) {
        for (const got of subs) got.unsubscribe();
        await Promise.all(clients.map((client) => client[Symbol.asyncDispose]()));
        emitter.emitCompletion(jobId, resultOf(jobId));
        emitted++;
      }
      for (const jobId of steadyJobs) emitter.emitProgress(jobId, progressOf(jobId, round + 1));
      emitted += steadyJobs.length;
    }
    expect(cycles).toBe(1_000);

    await expectGauges(server, { ...IDLE, jobstream_rooms_active: steadyJobs.length, jobstream_ws_connections: 4 });
    // The steady connections got every subscription slot back: each holds its 3 again, and no more.
    for (const [c, client] of steady.entries()) {
      const slots = [0, 1, 2].map(() => follow(client, steadyJobs[c] as string));
      await waitFor(() => expect(slots.every((got) => got.data.length === 1)).toBe(true));
      const extra = follow(client, steadyJobs[c] as string);
      await waitFor(() => expect(extra.errors).toHaveLength(1));
      expect(extra.errors[0]).toMatchObject({ data: { code: 'TOO_MANY_REQUESTS' } });
      for (const got of slots) got.unsubscribe();
      received += slots.length;
    }
    for (const jobId of steadyJobs) emitter.emitCompletion(jobId, resultOf(jobId));
    emitted += steadyJobs.length;
    await Promise.all([...steady, sse].map((client) => client[Symbol.asyncDispose]()));
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0, jobstream_ws_connections: 0 });

    // Every event recorded once; each subscription was handed its first event and nothing else (those stopped
    // early maybe not even that).
    const counters = await scrapeMetrics(server);
    expect(counters.jobstream_events_emitted_total).toBe(emitted);
    expect(counters.jobstream_events_delivered_total).toBeGreaterThanOrEqual(received);
    expect(counters.jobstream_events_delivered_total).toBeLessThanOrEqual(received + stoppedEarly);
  });

  it('does not duplicate subscriptions when the server cuts connections and clients resubscribe', async () => {
    await using server = await startTestServer(ENV);
    const owner = await connectClient(server);
    const jobs = await Promise.all(Array.from({ length: 3 }, () => startJob(server, owner.token)));
    const same = [
      owner,
      await connectClient(server, { token: owner.token }),
      await connectClient(server, { token: owner.token }),
    ];
    const followed = await followAll(same, jobs, 10);
    await expectGauges(server, { jobstream_subscriptions_active: 30, jobstream_listeners_active: 30 });

    for (let round = 0; round < 3; round++) {
      server.testing.dropConnections();
      // The clients reconnect on their own and resume every subscription; nothing is left behind from before.
      await waitFor(async () => expect((await scrapeMetrics(server)).jobstream_ws_connections).toBe(3));
      await expectGauges(server, { jobstream_subscriptions_active: 30, jobstream_listeners_active: 30 });
    }
    for (const jobId of jobs) server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(followed.every((got) => got.done)).toBe(true));
    expect(followed.every((got) => got.errors.length === 0)).toBe(true);
    expect(followed.every((got) => got.data.at(-1)?.event === 'upload-completed')).toBe(true);
    await expectGauges(server, { ...IDLE, jobstream_rooms_active: 0 });
    await Promise.all(same.map((client) => client[Symbol.asyncDispose]()));
    await expectGauges(server, { jobstream_ws_connections: 0 });
  });

  it('releases every room once real imports end (JOB_RETENTION_MS=0), with subscribers and late subscribers', async () => {
    await using server = await startTestServer(ENV);
    await using client = await connectClient(server);
    const jobIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await upload(server, {
        token: client.token,
        body: `${usersCsv(3_000, { offset: i * 3_000 })}bad,x,y\n`,
      });
      jobIds.push(res.body.jobId as string);
    }
    const watching = jobIds.map((jobId) => follow(client, jobId));
    await waitFor(() => expect(watching.every((got) => got.done)).toBe(true));
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
