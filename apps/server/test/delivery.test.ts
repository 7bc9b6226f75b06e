import type { Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import type { ApiServer } from '../src/index';
import {
  eventId,
  follow,
  followToEnd,
  parseMetrics,
  progressOf,
  type Received,
  resultOf,
  seqs,
  startJob,
  startTestServer,
  type TestClient,
  type Transport,
  upload,
  usersCsv,
} from './fixtures';
import { startObservedServer } from './observed-server';
import { openRawClient, type RawClient } from './raw-client';
import { openRawSse } from './raw-sse';
import { connectTo, TRANSPORTS } from './wire-client';

function assertForwardOnly(got: Pick<Received, 'ids' | 'data'>): void {
  const ids = seqs(got.ids).map(Number);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number);
  const progress = got.data.filter((d) => d.event === 'upload-progress').map((d) => d.payload.progress as number);
  for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
  expect(got.data.filter((d) => d.event !== 'upload-progress')).toHaveLength(1);
  expect(got.data.at(-1)?.event).not.toBe('upload-progress');
}

/** A subscriber speaking the transport's wire protocol by hand, so a test can stop it reading. */
interface RawSubscriber extends AsyncDisposable {
  pause(): void;
  resume(): void;
  /** The `{ id, data }` events received so far. */
  events(): Pick<Received, 'ids' | 'data'>;
  /** The server ended the stream. */
  ended(): boolean;
}

async function rawSubscriber(transport: Transport, url: string, token: string, jobId: string): Promise<RawSubscriber> {
  if (transport === 'sse') {
    const sse = await openRawSse(url, token, jobId);
    return {
      pause: sse.pause,
      resume: sse.resume,
      events() {
        const data = sse.messages.filter((m) => m.event === undefined);
        return {
          ids: data.map((m) => m.id ?? ''),
          data: data.map((m) => (JSON.parse(m.data) as { json: Received['data'][number] }).json),
        };
      },
      ended: () => sse.messages.some((m) => m.event === 'return'),
      [Symbol.asyncDispose]: () => sse[Symbol.asyncDispose](),
    };
  }
  const ws: RawClient = await openRawClient(url, token);
  ws.subscribe(1, jobId);
  return {
    pause: () => ws.socket.pause(),
    resume: () => ws.socket.resume(),
    events() {
      const data = ws.received.flatMap((m) => (m.result?.type === 'data' && m.result.data ? [m.result.data.json] : []));
      return { ids: data.map((d) => d.id), data: data.map((d) => d.data as Received['data'][number]) };
    },
    ended: () => ws.received.at(-1)?.result?.type === 'stopped',
    [Symbol.asyncDispose]: () => ws[Symbol.asyncDispose](),
  };
}

const SEND_BUFFER_BYTES = 64 * 1024;

/** Follows a job, from `lastEventId` if given, until its stream ends. */
async function followFrom(client: TestClient, jobId: string, lastEventId?: string): Promise<Received> {
  const got = follow(client, jobId, lastEventId);
  await waitFor(() => expect(got.done || got.errors.length > 0).toBe(true));
  return got;
}

describe.each(TRANSPORTS)('delivery over %s', (transport) => {
  it('resumes after the server cuts the connection, several times, with no duplicate or backward step', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    const got = follow(client, jobId);
    let progress = 0;
    for (let cut = 0; cut < 4; cut++) {
      await waitFor(() => expect(got.data.at(-1)?.payload.progress).toBe(progress));
      server.testing.dropConnections();
      for (let i = 0; i < 5; i++) emitter.emitProgress(jobId, progressOf(jobId, ++progress));
    }
    await waitFor(() => expect(got.data.at(-1)?.payload.progress).toBe(progress));
    emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(got.data.at(-1)?.event).toBe('upload-completed'));
    got.unsubscribe();
    assertForwardOnly(got);
    expect(got.data.filter((d) => d.snapshot)).toHaveLength(1);
    // Each cut was followed by one automatic resubscribe, on a new connection, from the last id received.
    const sent = client.wire.subscriptions;
    expect(sent).toHaveLength(5);
    expect(sent[0]?.lastEventId).toBeUndefined();
    for (const [i, resubscribe] of sent.slice(1).entries()) {
      expect(resubscribe.connection).toBeGreaterThan((sent[i] as { connection: number }).connection);
      expect(got.ids).toContain(resubscribe.lastEventId);
      expect(Number(seqs([resubscribe.lastEventId])[0])).toBeGreaterThan(
        Number(seqs([sent[i]?.lastEventId ?? '0'])[0]),
      );
    }
  });

  it('sends a snapshot flagged missed when the resume point has left the history, then the terminal event', async () => {
    await using server = await startTestServer({ HISTORY_MAX_EVENTS: '5' });
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    for (let p = 1; p <= 50; p++) emitter.emitProgress(jobId, progressOf(jobId, p));
    const got = follow(client, jobId, await eventId(server, jobId, 2));
    await waitFor(() => expect(got.data).toHaveLength(1));
    expect(got.data[0]).toMatchObject({ snapshot: true, missed: true, payload: { progress: 50 } });
    expect(seqs(got.ids)).toEqual(['51']);
    emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(got.data.at(-1)?.event).toBe('upload-completed'));
    got.unsubscribe();
  });

  it('replays exactly the events after lastEventId while they are in the history', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    for (let p = 1; p <= 10; p++) emitter.emitProgress(jobId, progressOf(jobId, p));
    const got = follow(client, jobId, await eventId(server, jobId, 4));
    await waitFor(() => expect(seqs(got.ids)).toEqual(['5', '6', '7', '8', '9', '10', '11']));
    expect(got.data.map((d) => d.payload.progress)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(got.data.some((d) => d.snapshot)).toBe(false);
    got.unsubscribe();
  });

  it('serves an ended job from memory within retention: the terminal event, or exactly what followed a resume point', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    for (let p = 1; p <= 3; p++) emitter.emitProgress(jobId, progressOf(jobId, p * 25));
    emitter.emitCompletion(jobId, resultOf(jobId));

    const late = await followFrom(client, jobId);
    expect(late.errors).toEqual([]);
    expect(seqs(late.ids)).toEqual(['5']);
    expect(late.data).toEqual([{ event: 'upload-completed', snapshot: true, payload: resultOf(jobId) }]);

    const resumed = await followFrom(client, jobId, await eventId(server, jobId, 2));
    expect(seqs(resumed.ids)).toEqual(['3', '4', '5']);
    expect(resumed.data.map((d) => d.event)).toEqual(['upload-progress', 'upload-progress', 'upload-completed']);
    expect(resumed.data.some((d) => d.snapshot)).toBe(false);

    // Resuming from the terminal event itself: nothing is left to send, and the stream ends at once.
    const finished = await followFrom(client, jobId, await eventId(server, jobId, 5));
    expect(finished).toMatchObject({ ids: [], errors: [], done: true });

    // Served from the room, which retention keeps in memory.
    expect(server.hub.metrics().roomsActive).toBe(1);
  });

  it('serves an ended job from storage after retention, with the id it had live', async () => {
    await using server = await startTestServer({ JOB_RETENTION_MS: '0' });
    await using client = await connectTo(server, transport);
    const res = await upload(server, { token: client.token, body: usersCsv(50) });
    const jobId = res.body.jobId as string;
    const live = await followToEnd(client, jobId);
    await waitFor(() => expect(server.hub.metrics().roomsActive).toBe(0));
    const late = await followToEnd(client, jobId);
    expect(late.data).toHaveLength(1);
    expect(late.data[0]).toMatchObject({ event: 'upload-completed', snapshot: true });
    expect(late.data[0]?.payload).toEqual(live.data.at(-1)?.payload);
    expect(late.ids).toEqual([live.ids.at(-1)]);
  });

  it('conflates a burst of 100,000 progress calls: far fewer events, the last one exact', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    const got = follow(client, jobId);
    await waitFor(() => expect(got.data).toHaveLength(1));
    for (let i = 1; i <= 100_000; i++) {
      emitter.emitProgress(jobId, { ...progressOf(jobId, i / 1000), processed: i, total: 100_000 });
    }
    emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(got.data.at(-1)?.event).toBe('upload-completed'));
    got.unsubscribe();
    expect(got.data.length).toBeLessThan(1_000);
    expect(got.data.at(-2)?.payload).toMatchObject({ progress: 100, processed: 100_000 });
    assertForwardOnly(got);
    expect(server.hub.metrics().eventsConflated).toBeGreaterThan(99_000);
  });

  it('holds a bounded amount for a subscriber that stops reading, then gives it the latest state and the terminal event', async () => {
    await using observed = await startObservedServer({ SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES) });
    const { server } = observed;
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    await using slow = await rawSubscriber(transport, server.url, token, jobId);
    await waitFor(() => expect(slow.events().data).toHaveLength(1));
    // The server's side of the subscriber's connection: what is queued for it there.
    const socket = observed.seen.find((s) => s.url.startsWith('/trpc'))?.socket as Socket;
    slow.pause();

    const errors = Array.from({ length: 100 }, (_, i) => `Row ${i}: email: ${'x'.repeat(80)}`);
    const eventBytes = JSON.stringify(errors).length + 400;
    let maxQueued = 0;
    for (let i = 1; i <= 5_000; i++) {
      server.hub.emitter.emitProgress(jobId, { ...progressOf(jobId, i / 50), processed: i, total: 5_000, errors });
      if (i % 10 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        maxQueued = Math.max(maxQueued, socket.writableLength);
      }
    }
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    expect(maxQueued).toBeGreaterThan(0);
    expect(maxQueued).toBeLessThanOrEqual(SEND_BUFFER_BYTES + 3 * eventBytes);
    expect(server.hub.metrics().eventsDelivered).toBeLessThan(5_000);

    slow.resume();
    await waitFor(() => expect(slow.ended()).toBe(true));
    const got = slow.events();
    expect(got.data.length).toBeLessThan(5_000);
    expect(got.data.at(-1)?.event).toBe('upload-completed');
    expect(got.data.at(-2)?.payload).toMatchObject({ processed: 5_000, progress: 100 });
    assertForwardOnly(got);
    expect(parseMetrics(await server.metrics()).jobstream_events_conflated_total).toBeGreaterThan(0);
  });
});

const PING_MS = 250;
/**
 * A peer is dropped after a PING and this long without reading or answering: the reader below reads every few tens
 * of milliseconds, and the @trpc/client answers at once, each with a wide margin for the pauses of a busy machine.
 */
const PONG_WAIT_MS = 2_000;
const KEEP_ALIVE = { WS_PING_MS: String(PING_MS), WS_PONG_WAIT_MS: String(PONG_WAIT_MS) };

/** A large progress payload (about 10 KB), so the job produces far faster than a slow reader takes. */
function bulkyProgress(jobId: string, i: number) {
  const errors = Array.from({ length: 100 }, (_, row) => `Row ${row}: email: ${'x'.repeat(80)}`);
  return { ...progressOf(jobId, Math.min(99, i / 100)), processed: i, total: 1_000_000, errors };
}

/** Emits bulky progress for `jobId` every millisecond until stopped; returns how many so far. */
function busyJob(server: ApiServer, jobId: string): { emitted(): number; stop(): void } {
  let emitted = 0;
  const timer = setInterval(() => server.hub.emitter.emitProgress(jobId, bulkyProgress(jobId, ++emitted)), 1);
  return { emitted: () => emitted, stop: () => clearInterval(timer) };
}

describe('WebSocket keep-alive', () => {
  it('keeps a peer that never answers PING but reads a little every so often, for several pong waits', async () => {
    await using server = await startTestServer(KEEP_ALIVE);
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    await using slow = await openRawClient(server.url, token); // a bare socket: it never sends PONG, or anything
    slow.subscribe(1, jobId);
    await waitFor(() => expect(slow.received.some((m) => m.result?.type === 'data')).toBe(true));
    slow.socket.pause();

    const job = busyJob(server, jobId);
    let maxBuffered = 0;
    try {
      // Three times the whole keep-alive window, on a link far slower than the job: take a message, pause, again.
      const until = Date.now() + 3 * (PING_MS + PONG_WAIT_MS);
      while (Date.now() < until && parseMetrics(await server.metrics()).jobstream_ws_connections === 1) {
        const next = new Promise<void>((resolve) => {
          const taken = () => {
            slow.socket.off('message', taken).off('close', taken);
            resolve();
          };
          slow.socket.on('message', taken).on('close', taken);
        });
        slow.socket.resume();
        await next;
        slow.socket.pause();
        maxBuffered = Math.max(maxBuffered, parseMetrics(await server.metrics()).jobstream_ws_buffered_bytes ?? 0);
        await sleep(20);
      }
    } finally {
      job.stop();
    }
    expect(parseMetrics(await server.metrics()).jobstream_ws_connections).toBe(1);
    expect(maxBuffered).toBeGreaterThan(0); // it really was behind: data waited in the server for it

    slow.socket.resume();
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(slow.received.at(-1)?.result?.type).toBe('stopped'));
    const data = slow.received.flatMap((m) => (m.result?.data ? [m.result.data.json.data] : []));
    expect(data.at(-1)?.event).toBe('upload-completed');
    expect(data.at(-2)?.payload).toMatchObject({ processed: job.emitted() });
    expect(slow.socket.readyState).toBe(slow.socket.OPEN);
  });

  it('terminates a peer that neither reads nor answers, idle or with data queued for it', async () => {
    await using server = await startTestServer(KEEP_ALIVE);
    const { token } = await server.services.sessions.create();
    const idleJob = await startJob(server, token);
    const busyJobId = await startJob(server, token);
    await using idle = await openRawClient(server.url, token);
    await using busy = await openRawClient(server.url, token);
    idle.subscribe(1, idleJob);
    busy.subscribe(1, busyJobId);
    await waitFor(async () => expect(parseMetrics(await server.metrics()).jobstream_subscriptions_active).toBe(2));
    idle.socket.pause();
    busy.socket.pause();
    const job = busyJob(server, busyJobId);
    try {
      // Observed on the server: a paused client does not read, so it would not notice the close.
      await waitFor(async () => expect(parseMetrics(await server.metrics()).jobstream_ws_connections).toBe(0));
    } finally {
      job.stop();
    }
    expect(parseMetrics(await server.metrics()).jobstream_subscriptions_active).toBe(0);
  });

  it('keeps an idle @trpc/client, which answers every PING', async () => {
    await using server = await startTestServer(KEEP_ALIVE);
    await using client = await connectTo(server, 'ws');
    const jobId = await startJob(server, client.token);
    const got = follow(client, jobId);
    await waitFor(() => expect(got.data).toHaveLength(1));
    const pings = () => client.wire.received.filter((frame) => frame === 'PING').length;
    await waitFor(() => expect(pings()).toBeGreaterThanOrEqual(3));
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(got.done).toBe(true));
    expect(client.wire.connections).toBe(1);
    expect(got.errors).toEqual([]);
  });
});
