import { describe, expect, it, vi } from 'vitest';
import {
  connectClient,
  follow,
  followToEnd,
  progressOf,
  type Received,
  resultOf,
  startJob,
  startTestServer,
  type Transport,
  upload,
  usersCsv,
} from './fixtures';

function assertForwardOnly(got: Received): void {
  const ids = got.ids.map(Number);
  for (let i = 1; i < ids.length; i++) expect(ids[i]).toBeGreaterThan(ids[i - 1] as number);
  const progress = got.data.filter((d) => d.event === 'upload-progress').map((d) => d.payload.progress as number);
  for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
  expect(got.data.filter((d) => d.event !== 'upload-progress')).toHaveLength(1);
  expect(got.data.at(-1)?.event).not.toBe('upload-progress');
}

describe.each<Transport>(['ws', 'sse'])('delivery over %s', (transport) => {
  it('resumes after the server cuts the connection, several times, with no duplicate or backward step', async () => {
    await using server = await startTestServer();
    await using client = connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = startJob(server, client.token);
    const got = follow(client, jobId);
    let progress = 0;
    for (let cut = 0; cut < 4; cut++) {
      await vi.waitFor(() => expect(got.data.at(-1)?.payload.progress).toBe(progress), { timeout: 10_000 });
      server.dropConnections();
      for (let i = 0; i < 5; i++) emitter.emitProgress(jobId, progressOf(jobId, ++progress));
    }
    await vi.waitFor(() => expect(got.data.at(-1)?.payload.progress).toBe(progress), { timeout: 15_000 });
    emitter.emitCompletion(jobId, resultOf(jobId));
    await vi.waitFor(() => expect(got.data.at(-1)?.event).toBe('upload-completed'), { timeout: 15_000 });
    got.unsubscribe();
    assertForwardOnly(got);
    expect(got.data.filter((d) => d.snapshot)).toHaveLength(1);
  });

  it('sends a snapshot flagged missed when the resume point has left the history, then the terminal event', async () => {
    await using server = await startTestServer({ HISTORY_MAX_EVENTS: '5' });
    await using client = connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = startJob(server, client.token);
    for (let p = 1; p <= 50; p++) emitter.emitProgress(jobId, progressOf(jobId, p));
    const got = follow(client, jobId, '2');
    await vi.waitFor(() => expect(got.data).toHaveLength(1));
    expect(got.data[0]).toMatchObject({ snapshot: true, missed: true, payload: { progress: 50 } });
    expect(got.ids).toEqual(['51']);
    emitter.emitCompletion(jobId, resultOf(jobId));
    await vi.waitFor(() => expect(got.data.at(-1)?.event).toBe('upload-completed'));
    got.unsubscribe();
  });

  it('replays exactly the events after lastEventId while they are in the history', async () => {
    await using server = await startTestServer();
    await using client = connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = startJob(server, client.token);
    for (let p = 1; p <= 10; p++) emitter.emitProgress(jobId, progressOf(jobId, p));
    const got = follow(client, jobId, '4');
    await vi.waitFor(() => expect(got.ids).toEqual(['5', '6', '7', '8', '9', '10', '11']));
    expect(got.data.map((d) => d.payload.progress)).toEqual([4, 5, 6, 7, 8, 9, 10]);
    expect(got.data.some((d) => d.snapshot)).toBe(false);
    got.unsubscribe();
  });

  it('serves an ended job to late subscribers within retention and, from storage, after it', async () => {
    await using server = await startTestServer({ JOB_RETENTION_MS: '0' });
    await using client = connectClient(server, { transport });
    const res = await upload(server, { token: client.token, body: usersCsv(50) });
    const jobId = res.body.jobId as string;
    const live = await followToEnd(client, jobId);
    await vi.waitFor(() => expect(server.hub.registry.metrics().roomsActive).toBe(0));
    const late = await followToEnd(client, jobId);
    expect(late.data).toHaveLength(1);
    expect(late.data[0]).toMatchObject({ event: 'upload-completed', snapshot: true });
    expect(late.data[0]?.payload).toEqual(live.data.at(-1)?.payload);
    expect(late.ids).toEqual([live.ids.at(-1)]);
  });

  it('conflates a burst of 100,000 progress calls: far fewer events, the last one exact', async () => {
    await using server = await startTestServer();
    await using client = connectClient(server, { transport });
    const { emitter } = server.hub;
    const jobId = startJob(server, client.token);
    const got = follow(client, jobId);
    await vi.waitFor(() => expect(got.data).toHaveLength(1));
    for (let i = 1; i <= 100_000; i++) {
      emitter.emitProgress(jobId, { ...progressOf(jobId, i / 1000), processed: i, total: 100_000 });
    }
    emitter.emitCompletion(jobId, resultOf(jobId));
    await vi.waitFor(() => expect(got.data.at(-1)?.event).toBe('upload-completed'), { timeout: 15_000 });
    got.unsubscribe();
    expect(got.data.length).toBeLessThan(1_000);
    expect(got.data.at(-2)?.payload).toMatchObject({ progress: 100, processed: 100_000 });
    assertForwardOnly(got);
    expect(server.hub.registry.metrics().eventsConflated).toBeGreaterThan(99_000);
  });
});
