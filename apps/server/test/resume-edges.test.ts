import { JobLifecycleError, jobEvents } from '@jobstream/progress';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import {
  connectClient,
  eventId,
  follow,
  followToEnd,
  progressOf,
  resultOf,
  scrapeMetrics,
  seqs,
  startJob,
  startTestServer,
  type Transport,
  upload,
  usersCsv,
} from './fixtures';
import { openRawClient, type WireResult } from './raw-client';
import { openRawSse } from './raw-sse';

type Server = Awaited<ReturnType<typeof startTestServer>>;
type Client = Awaited<ReturnType<typeof connectClient>>;

const SEND_BUFFER_BYTES = 64 * 1024;

async function expectIdle(server: Server, rooms: number): Promise<void> {
  await waitFor(async () =>
    expect(await scrapeMetrics(server)).toMatchObject({
      jobstream_rooms_active: rooms,
      jobstream_subscriptions_active: 0,
      jobstream_listeners_active: 0,
    }),
  );
}

/** A progress payload of about 10 KB: the first 100 row errors, as an import reports them. */
function largeProgress(jobId: string, step: number, steps: number) {
  const errors = Array.from({ length: 100 }, (_, i) => `Row ${i + 1}: email: ${'x'.repeat(80)} (${step})`);
  return { ...progressOf(jobId, Math.floor((step / steps) * 100)), processed: step, total: steps, errors };
}

const LARGE_EVENT_BYTES = JSON.stringify(largeProgress('00000000-0000-0000-0000-000000000000', 1, 1)).length + 400;

function dataOf(messages: WireResult[]) {
  return messages.filter((m) => m.result?.type === 'data').map((m) => m.result?.data?.json);
}

/** A new job of `client`'s, followed by `client` from its first event; resolves once the subscriber is waiting for more. */
async function followNewJob(server: Server, client: Client) {
  const jobId = await startJob(server, client.token);
  const got = follow(client, jobId);
  await waitFor(() => expect(seqs(got.ids)).toEqual(['1']));
  await waitFor(() => expect(server.hub.metrics().listenersActive).toBe(1));
  return { jobId, got };
}

describe.each<Transport>(['ws', 'sse'])('resume edges over %s', (transport) => {
  it('ends a resume from the terminal event’s id at once, room in memory or not, with no duplicate', async () => {
    await using server = await startTestServer({ JOB_RETENTION_MS: '0' });
    await using client = await connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token); // 1
    for (let p = 1; p <= 3; p++) emitter.emitProgress(jobId, progressOf(jobId, p)); // 2..4
    // An in-process member keeps the ended room in memory (retention 0) until it leaves.
    const holder = jobEvents(server.hub, jobId);
    await holder.next();
    const terminalId = await emitter.emitCompletion(jobId, resultOf(jobId));
    expect(seqs([terminalId])).toEqual(['5']);
    await server.services.jobs.finish(jobId, {
      status: 'completed',
      progress: 100,
      message: 'Done',
      processed: 100,
      total: 100,
      lastEventId: terminalId,
    });
    expect((await server.hub.log.latest(jobId))?.event).toBe('upload-completed');

    for (const lastEventId of [terminalId, await eventId(server, jobId, 9)]) {
      const resumed = follow(client, jobId, lastEventId);
      await waitFor(() => expect(resumed.done).toBe(true));
      expect(resumed).toMatchObject({ ids: [], data: [], errors: [] });
    }
    expect(await server.hub.log.latest(jobId)).toBeDefined();
    await holder.return();
    await expectIdle(server, 0);

    // The room has left memory: the stored terminal event serves the same way.
    const fromStorage = follow(client, jobId, terminalId);
    await waitFor(() => expect(fromStorage.done).toBe(true));
    expect(fromStorage).toMatchObject({ ids: [], data: [], errors: [] });
    const late = await followToEnd(client, jobId);
    expect(late.ids).toEqual([terminalId]);
    expect(late.data).toMatchObject([{ event: 'upload-completed', snapshot: true }]);
    await expectIdle(server, 0);
  });

  it('answers a resume from an id of another epoch with the current state flagged missed, then every new event', async () => {
    await using server = await startTestServer({ JOB_RETENTION_MS: '0' });
    await using client = await connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    for (let p = 1; p <= 5; p++) emitter.emitProgress(jobId, progressOf(jobId, p)); // 2..6
    const foreign = follow(client, jobId, 'Elsewhere:4');
    await waitFor(() => expect(foreign.data).toHaveLength(1));
    expect(foreign.data[0]).toMatchObject({ snapshot: true, missed: true, payload: { progress: 5 } });
    expect(foreign.ids).toEqual([await eventId(server, jobId, 6)]);
    emitter.emitProgress(jobId, progressOf(jobId, 6));
    await waitFor(() => expect(seqs(foreign.ids)).toEqual(['6', '7']));
    foreign.unsubscribe();

    // The job's history starts again (its room was released and it is started anew): an id of the first history
    // is never taken for a position in the second, though both have a sequence number 2.
    const oldId = await eventId(server, jobId, 2);
    emitter.emitCompletion(jobId, resultOf(jobId));
    await expectIdle(server, 0);
    emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
    emitter.emitProgress(jobId, progressOf(jobId, 50));
    expect(await eventId(server, jobId, 2)).not.toBe(oldId);
    const resumed = follow(client, jobId, oldId);
    await waitFor(() => expect(resumed.data).toHaveLength(1));
    expect(resumed.data[0]).toMatchObject({ snapshot: true, missed: true, payload: { progress: 50 } });
    expect(resumed.ids).toEqual([await eventId(server, jobId, 2)]);
    resumed.unsubscribe();
  });

  it('delivers every event of a synchronous burst to an up-to-date subscriber, in order', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server, { transport });
    const { emitter } = server.hub;
    const { jobId, got } = await followNewJob(server, client);
    for (let p = 1; p <= 10; p++) emitter.emitProgress(jobId, progressOf(jobId, p)); // 2..11, one task
    emitter.emitCompletion(jobId, resultOf(jobId)); // 12
    await waitFor(() => expect(got.done).toBe(true));
    expect(seqs(got.ids)).toEqual(Array.from({ length: 12 }, (_, i) => String(i + 1)));
    expect(got.data.slice(1, 11).map((d) => d.payload.progress)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(got.data.filter((d) => d.snapshot)).toHaveLength(1);
    expect(server.hub.metrics().eventsConflated).toBe(0);
  });

  it('delivers bursts larger than the send buffer whole to a subscriber that reads', async () => {
    // Over WebSocket a turn's frames are held until the end of the turn: those bytes alone must not make the
    // subscription wait, or the next bursts, recorded during the wait, would be conflated.
    await using server = await startTestServer({ SEND_BUFFER_BYTES: '1024' });
    await using client = await connectClient(server, { transport });
    const { emitter } = server.hub;
    const { jobId, got } = await followNewJob(server, client);
    for (let burst = 0; burst < 4; burst++) {
      for (let p = 1; p <= 10; p++) emitter.emitProgress(jobId, progressOf(jobId, burst * 10 + p)); // about 2.5 KB
      await new Promise((resolve) => setImmediate(resolve));
    }
    emitter.emitCompletion(jobId, resultOf(jobId)); // 42
    await waitFor(() => expect(got.done).toBe(true));
    expect(seqs(got.ids)).toEqual(Array.from({ length: 42 }, (_, i) => String(i + 1)));
    expect(server.hub.metrics().eventsConflated).toBe(0);
  });

  it('resumes exactly through hundreds of large events still in the history', async () => {
    await using server = await startTestServer({ HISTORY_MAX_EVENTS: '1000' });
    await using client = await connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    for (let step = 1; step <= 600; step++) emitter.emitProgress(jobId, largeProgress(jobId, step, 600)); // 2..601
    const got = follow(client, jobId, await eventId(server, jobId, 101));
    await waitFor(() => expect(got.ids).toHaveLength(500));
    emitter.emitCompletion(jobId, resultOf(jobId)); // 602
    await waitFor(() => expect(got.done).toBe(true));
    expect(seqs(got.ids)).toEqual(Array.from({ length: 501 }, (_, i) => String(102 + i)));
    expect(got.data.some((d) => d.snapshot || d.missed)).toBe(false);
    expect(got.data.at(-2)).toMatchObject({ payload: { processed: 600 } });
    expect(server.hub.metrics().eventsConflated).toBe(0);
  });
});

describe('bounded memory for a stalled WebSocket reader', () => {
  it('replays a resume of many large events within the send-buffer bound, exactly, continuing as it drains', async () => {
    await using server = await startTestServer({
      SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES),
      HISTORY_MAX_EVENTS: '2000',
    });
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    for (let step = 1; step <= 1500; step++) server.hub.emitter.emitProgress(jobId, largeProgress(jobId, step, 1500));
    await using slow = await openRawClient(server.url, token);
    slow.socket.send(
      JSON.stringify({
        id: 1,
        method: 'subscription',
        params: { path: 'upload.onProgress', input: { json: { jobId } }, lastEventId: await eventId(server, jobId, 1) },
      }),
    );
    slow.socket.pause(); // about 15 MB to replay; the reader takes none of it for now

    const buffered = async () => (await scrapeMetrics(server)).jobstream_ws_buffered_bytes as number;
    await waitFor(async () => expect(await buffered()).toBeGreaterThan(SEND_BUFFER_BYTES));
    for (let i = 0; i < 5; i++) {
      await new Promise((resolve) => setImmediate(resolve));
      expect(await buffered()).toBeLessThanOrEqual(SEND_BUFFER_BYTES + LARGE_EVENT_BYTES);
    }

    slow.socket.resume();
    await waitFor(() => expect(dataOf(slow.received)).toHaveLength(1500));
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(slow.received.at(-1)?.result?.type).toBe('stopped'));
    const data = dataOf(slow.received);
    expect(seqs(data.map((d) => d?.id))).toEqual(Array.from({ length: 1501 }, (_, i) => String(i + 2)));
    expect(data.some((d) => 'snapshot' in (d?.data ?? {}))).toBe(false);
    expect(data.at(-2)?.data.payload).toMatchObject({ processed: 1500 });
  });

  it('keeps a stalled live subscriber under the bound through bursts, then gives it the exact final state', async () => {
    await using server = await startTestServer({ SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES) });
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    await using slow = await openRawClient(server.url, token);
    slow.subscribe(1, jobId);
    await waitFor(() => expect(dataOf(slow.received)).toHaveLength(1));
    slow.socket.pause();

    let maxBuffered = 0;
    for (let burst = 0; burst < 100; burst++) {
      for (let i = 1; i <= 50; i++) {
        const step = burst * 50 + i;
        server.hub.emitter.emitProgress(jobId, largeProgress(jobId, step, 5_000));
      }
      await new Promise((resolve) => setImmediate(resolve));
      maxBuffered = Math.max(maxBuffered, (await scrapeMetrics(server)).jobstream_ws_buffered_bytes as number);
    }
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    expect(maxBuffered).toBeGreaterThan(SEND_BUFFER_BYTES);
    expect(maxBuffered).toBeLessThanOrEqual(SEND_BUFFER_BYTES + 3 * LARGE_EVENT_BYTES);

    slow.socket.resume();
    await waitFor(() => expect(slow.received.at(-1)?.result?.type).toBe('stopped'));
    const data = dataOf(slow.received);
    const ids = seqs(data.map((d) => d?.id)).map(Number);
    expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
    expect(data.length).toBeLessThan(5_000);
    expect(data.at(-1)?.data.event).toBe('upload-completed');
    expect(data.at(-2)?.data.payload).toMatchObject({ processed: 5_000, progress: 100 });
    expect((await scrapeMetrics(server)).jobstream_events_conflated_total).toBeGreaterThan(0);
  });
});

describe('after an ended job’s room is released', () => {
  it('refuses anything but a new start for it, and keeps serving its end from storage with the id it had live', async () => {
    await using server = await startTestServer({ JOB_RETENTION_MS: '0', PROGRESS_INTERVAL_MS: '0' });
    await using client = await connectClient(server);
    const res = await upload(server, { token: client.token, body: usersCsv(20) });
    const jobId = res.body.jobId as string;
    const live = await followToEnd(client, jobId);
    const terminalId = live.ids.at(-1) as string;
    await expectIdle(server, 0);

    const { emitter } = server.hub;
    expect(await server.hub.log.latest(jobId)).toBeUndefined();
    await expect(emitter.emitProgress(jobId, progressOf(jobId, 50))).rejects.toThrow(JobLifecycleError);
    await expect(emitter.emitError(jobId, 'late')).rejects.toThrow(`job ${jobId}: job was never started`);

    const late = await followToEnd(client, jobId);
    expect(late.ids).toEqual([terminalId]);
    expect(late.data).toMatchObject([{ event: 'upload-completed', snapshot: true }]);
  });
});

describe('raw SSE', () => {
  it('resumes exactly after a Last-Event-ID header, as a browser EventSource sends it', async () => {
    await using server = await startTestServer();
    const { token } = await server.services.sessions.create();
    const { emitter } = server.hub;
    const jobId = await startJob(server, token);
    for (let p = 1; p <= 9; p++) emitter.emitProgress(jobId, progressOf(jobId, p)); // 2..10
    emitter.emitCompletion(jobId, resultOf(jobId)); // 11
    await using sse = await openRawSse(server.url, token, jobId, { 'last-event-id': await eventId(server, jobId, 6) });
    await waitFor(() => expect(sse.ended()).toBe(true));
    const events = sse.messages;
    const data = events.filter((e) => e.id !== undefined);
    expect(seqs(data.map((e) => e.id))).toEqual(['7', '8', '9', '10', '11']);
    const parsed = data.map((e) => (JSON.parse(e.data as string) as { json: { event: string; snapshot?: true } }).json);
    expect(parsed.map((d) => d.event)).toEqual([...Array(4).fill('upload-progress'), 'upload-completed']);
    expect(parsed.some((d) => d.snapshot)).toBe(false);
    expect(events.at(-1)?.event).toBe('return');
    await expectIdle(server, 1);
  });
});
