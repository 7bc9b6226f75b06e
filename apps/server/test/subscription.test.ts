import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import { follow, progressOf, type Received, resultOf, seqs, startJob, startTestServer } from './fixtures';
import { connectTo, TRANSPORTS } from './wire-client';

function numeric(ids: string[]): number[] {
  return seqs(ids).map(Number);
}

describe.each(TRANSPORTS)('upload.onProgress over %s', (transport) => {
  it('delivers the current state, then every event in order with increasing ids, then ends', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    const got = follow(client, jobId);
    await waitFor(() => expect(got.data).toHaveLength(1));
    expect(got.data[0]).toMatchObject({ event: 'upload-progress', snapshot: true, payload: { status: 'started' } });

    for (let p = 10; p <= 90; p += 10) {
      emitter.emitProgress(jobId, progressOf(jobId, p));
      await waitFor(() => expect(got.data.at(-1)?.payload.progress).toBe(p));
    }
    emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(got.done).toBe(true));

    expect(seqs(got.ids)).toEqual(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11']);
    expect(got.data.map((d) => d.event).at(-1)).toBe('upload-completed');
    expect(got.errors).toEqual([]);
  });

  it('gives a late subscriber the terminal event at once and ends its stream', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const jobId = await startJob(server, client.token);
    await emitter.emitProgress(jobId, progressOf(jobId, 50));
    await emitter.emitError(jobId, 'Disk full');

    const got = follow(client, jobId);
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.data).toEqual([
      {
        event: 'upload-error',
        snapshot: true,
        payload: { jobId, templateName: 'users', status: 'failed', message: 'Disk full' },
      },
    ]);
    expect(seqs(got.ids)).toEqual(['3']);
  });

  it('joins mid-job with no gap and no duplicate while events are emitted concurrently', async () => {
    await using server = await startTestServer();
    const { emitter } = server.hub;
    const first = await connectTo(server, transport);
    const jobId = await startJob(server, first.token);
    const clients = [
      first,
      ...(await Promise.all(Array.from({ length: 4 }, () => connectTo(server, transport, { token: first.token })))),
    ];
    const subscribers: Received[] = [];
    let progress = 0;
    for (const client of clients) {
      subscribers.push(follow(client, jobId));
      for (let i = 0; i < 3; i++) emitter.emitProgress(jobId, progressOf(jobId, ++progress));
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Every subscriber has joined (however long its access check took) before the job goes on to its end.
    await waitFor(() => expect(subscribers.every((s) => s.data.length > 0)).toBe(true));
    while (progress < 40) {
      emitter.emitProgress(jobId, progressOf(jobId, ++progress));
      await new Promise((resolve) => setImmediate(resolve));
    }
    emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(subscribers.every((s) => s.done)).toBe(true));

    for (const got of subscribers) {
      const ids = numeric(got.ids);
      expect(got.data[0]?.snapshot).toBe(true);
      expect(ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))).toBe(true);
      const progresses = got.data.filter((d) => d.event === 'upload-progress').map((d) => d.payload.progress as number);
      expect(progresses.every((p, i) => i === 0 || p >= (progresses[i - 1] as number))).toBe(true);
      expect(got.data.filter((d) => d.event === 'upload-completed')).toHaveLength(1);
      expect(got.data.at(-2)?.payload.progress).toBe(40);
    }
    await Promise.all(clients.map((c) => c[Symbol.asyncDispose]()));
  });

  it('never lets one job see another job’s events', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const { emitter } = server.hub;
    const a = await startJob(server, client.token);
    const b = await startJob(server, client.token);
    const gotA = follow(client, a);
    const gotB = follow(client, b);
    emitter.emitProgress(a, progressOf(a, 30));
    emitter.emitProgress(b, progressOf(b, 70));
    emitter.emitCompletion(a, resultOf(a));
    emitter.emitError(b, 'Bad header');
    await waitFor(() => expect(gotA.done && gotB.done).toBe(true));
    expect(gotA.data.every((d) => (d.payload as { jobId?: string }).jobId === a)).toBe(true);
    expect(gotB.data.every((d) => (d.payload as { jobId?: string }).jobId === b)).toBe(true);
    expect(gotA.data.at(-1)?.event).toBe('upload-completed');
    expect(gotB.data.at(-1)?.event).toBe('upload-error');
  });

  it('answers an unknown job with NOT_FOUND and bad input with BAD_REQUEST and the zod message', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const unknown = follow(client, randomUUID());
    const bad = follow(client, 'not-a-uuid');
    await waitFor(() => expect(unknown.errors).toHaveLength(1));
    await waitFor(() => expect(bad.errors).toHaveLength(1));
    const notFound = unknown.errors[0] as TRPCClientError<AppRouter>;
    expect(notFound).toBeInstanceOf(TRPCClientError);
    expect(notFound.data?.code).toBe('NOT_FOUND');
    const badRequest = bad.errors[0] as TRPCClientError<AppRouter>;
    expect(badRequest.data?.code).toBe('BAD_REQUEST');
    expect(badRequest.message).toContain('jobId must be a UUID');
  });

  it('answers ping with pong and the server time', async () => {
    await using server = await startTestServer();
    await using client = await connectTo(server, transport);
    const before = Date.now();
    const pong = await client.trpc.upload.ping.query();
    expect(pong.event).toBe('pong');
    expect(pong.serverTime).toBeGreaterThanOrEqual(before);
  });
});
