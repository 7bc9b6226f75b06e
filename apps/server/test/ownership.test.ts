import { randomUUID } from 'node:crypto';
import type { AppRouter, AuthorizeJob } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import {
  connectClient,
  eventId,
  follow,
  followToEnd,
  progressOf,
  type Received,
  resultOf,
  seqs,
  startJob,
  startTestServer,
  type TestClient,
  upload,
  usersCsv,
} from './fixtures';
import { connectTo, TRANSPORTS } from './wire-client';

/** The parts of a tRPC error a client can see, with the job id masked so two answers can be compared. */
function shapeOf(error: unknown, jobId: string) {
  expect(error).toBeInstanceOf(TRPCClientError);
  const e = error as TRPCClientError<AppRouter>;
  return {
    name: e.name,
    message: e.message.replaceAll(jobId, '<id>'),
    data: e.data,
    shape: e.shape && { ...e.shape, message: e.shape.message.replaceAll(jobId, '<id>') },
  };
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (error: unknown) => error,
  );
}

async function subscriptionError(client: TestClient, jobId: string): Promise<unknown> {
  const got = follow(client, jobId);
  await waitFor(() => expect(got.errors.length > 0 || got.done).toBe(true));
  expect(got.data).toEqual([]);
  return got.errors[0];
}

/** Every way a caller can reach a job, and what each answered. */
async function answersFor(client: TestClient, url: string, jobId: string) {
  const errorsCsv = await fetch(`${url}/uploads/${jobId}/errors.csv`, {
    headers: { authorization: `Bearer ${client.token}` },
  });
  return {
    get: shapeOf(await rejection(client.trpc.upload.get.query({ jobId })), jobId),
    cancel: shapeOf(await rejection(client.trpc.upload.cancel.mutate({ jobId })), jobId),
    onProgress: shapeOf(await subscriptionError(client, jobId), jobId),
    errorsCsv: { status: errorsCsv.status, body: await errorsCsv.text(), type: errorsCsv.headers.get('content-type') },
  };
}

describe('job ownership', () => {
  it.each(['ws', 'sse'] as const)(
    'answers another session exactly as for a job that does not exist (%s)',
    async (transport) => {
      await using server = await startTestServer();
      await using owner = await connectClient(server);
      await using stranger = await connectClient(server, { transport });
      const res = await upload(server, {
        token: owner.token,
        body: 'email,name,role\nbad,Bad,member\nok@example.com,Ok,\n',
      });
      const jobId = res.body.jobId as string;
      await followToEnd(owner, jobId);

      const foreign = await answersFor(stranger, server.url, jobId);
      const unknown = await answersFor(stranger, server.url, randomUUID());
      expect(foreign).toEqual(unknown);
      expect(foreign.get).toMatchObject({ message: 'No job <id>', data: { code: 'NOT_FOUND', httpStatus: 404 } });
      expect(foreign.cancel.data).toMatchObject({ code: 'NOT_FOUND', httpStatus: 404 });
      expect(foreign.onProgress).toMatchObject({ message: 'No job <id>', data: { code: 'NOT_FOUND' } });
      expect(foreign.errorsCsv).toEqual({
        status: 404,
        body: '{"error":"Not found"}',
        type: 'application/json; charset=utf-8',
      });

      // The owner still sees all of it.
      expect(await owner.trpc.upload.get.query({ jobId })).toMatchObject({ jobId, status: 'completed', failed: 1 });
      const mine = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, {
        headers: { authorization: `Bearer ${owner.token}` },
      });
      expect(mine.status).toBe(200);
    },
  );

  it('gives a request without a session the same 404 for errors.csv', async () => {
    await using server = await startTestServer();
    await using owner = await connectClient(server);
    const res = await upload(server, { token: owner.token, body: 'email,name,role\nbad,Bad,member\n' });
    const jobId = res.body.jobId as string;
    await followToEnd(owner, jobId);
    const attempts: Record<string, string>[] = [
      {},
      { authorization: 'Bearer not-a-token' },
      { cookie: 'jobstream_session=nope' },
    ];
    for (const headers of attempts) {
      const response = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, { headers });
      expect(response.status).toBe(404);
      expect(await response.json()).toEqual({ error: 'Not found' });
    }
    const malformed = await fetch(`${server.url}/uploads/not-a-uuid/errors.csv`, {
      headers: { authorization: `Bearer ${owner.token}` },
    });
    expect(malformed.status).toBe(404);
  });

  it('does not let another session cancel a running job', async () => {
    await using server = await startTestServer({ PROGRESS_INTERVAL_MS: '0', IMPORT_ROWS_PER_SECOND: '20000' });
    await using owner = await connectClient(server);
    await using stranger = await connectClient(server);
    const res = await upload(server, { token: owner.token, body: usersCsv(200_000) });
    const jobId = res.body.jobId as string;
    const got = follow(owner, jobId);
    await waitFor(() => expect(got.data.some((d) => d.payload.status === 'processing')).toBe(true));
    const error = await rejection(stranger.trpc.upload.cancel.mutate({ jobId }));
    expect(shapeOf(error, jobId).data).toMatchObject({ code: 'NOT_FOUND' });
    expect((await owner.trpc.upload.get.query({ jobId })).status).not.toBe('failed');
    expect(await owner.trpc.upload.cancel.mutate({ jobId })).toEqual({ cancelled: true });
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.data.at(-1)?.payload).toMatchObject({ status: 'failed', message: 'Cancelled' });
  });

  it("lists only the caller's jobs", async () => {
    await using server = await startTestServer();
    await using alice = await connectClient(server);
    await using bob = await connectClient(server);
    const a1 = await startJob(server, alice.token);
    const b1 = await startJob(server, bob.token);
    const a2 = await startJob(server, alice.token);
    expect((await alice.trpc.upload.list.query()).map((j) => j.jobId).sort()).toEqual([a1, a2].sort());
    expect((await bob.trpc.upload.list.query()).map((j) => j.jobId)).toEqual([b1]);
    expect((await alice.trpc.upload.list.query({ limit: 1 })).length).toBe(1);
  });

  it('answers upload.list without a valid session with UNAUTHORIZED', async () => {
    await using server = await startTestServer();
    await using someone = await connectClient(server);
    await startJob(server, someone.token);
    await using anonymous = await connectClient(server, { token: 'not-a-real-token' });
    const error = (await rejection(anonymous.trpc.upload.list.query())) as TRPCClientError<AppRouter>;
    expect(error).toBeInstanceOf(TRPCClientError);
    expect(error.message).toBe('No session: call session.create first');
    expect(error.data).toMatchObject({ code: 'UNAUTHORIZED', httpStatus: 401 });

    const overHttp = await fetch(`${server.url}/trpc/upload.list`);
    expect(overHttp.status).toBe(401);
    expect(await overHttp.json()).toMatchObject({ error: { json: { data: { code: 'UNAUTHORIZED' } } } });
  });

  it.each(TRANSPORTS)(
    'follows a custom authorize rule, checked on every call and every subscribe (%s)',
    async (transport) => {
      const grants = new Set<string>();
      let checks = 0;
      const authorize: AuthorizeJob = async (caller, job) => {
        checks++;
        return caller.sessionId === job.owner || (caller.sessionId !== null && grants.has(caller.sessionId));
      };
      await using server = await startTestServer({}, { auth: { canAccess: authorize } });
      await using owner = await connectClient(server);
      await using auditor = await connectTo(server, transport);
      await using stranger = await connectClient(server);
      const auditorSession = (await server.services.sessions.resolve(auditor.token)) as string;
      grants.add(auditorSession);

      const res = await upload(server, { token: owner.token, body: 'email,name,role\nbad,Bad,member\n' });
      const jobId = res.body.jobId as string;
      await followToEnd(owner, jobId);

      expect(await auditor.trpc.upload.get.query({ jobId })).toMatchObject({ jobId, status: 'completed', failed: 1 });
      const watched: Received = await followToEnd(auditor, jobId);
      expect(watched.errors).toEqual([]);
      expect(watched.data.at(-1)).toMatchObject({ event: 'upload-completed', snapshot: true });
      const csv = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, {
        headers: { authorization: `Bearer ${auditor.token}` },
      });
      expect(csv.status).toBe(200);
      expect(await csv.text()).toContain('Row 1: email: Invalid email address');
      expect(shapeOf(await rejection(stranger.trpc.upload.get.query({ jobId })), jobId).data).toMatchObject({
        code: 'NOT_FOUND',
      });
      // The rule does not widen listings: upload.list is always the caller's own jobs.
      expect(await auditor.trpc.upload.list.query()).toEqual([]);

      grants.delete(auditorSession);
      const before = checks;
      expect(shapeOf(await rejection(auditor.trpc.upload.get.query({ jobId })), jobId).data).toMatchObject({
        code: 'NOT_FOUND',
      });
      expect(shapeOf(await subscriptionError(auditor, jobId), jobId).data).toMatchObject({ code: 'NOT_FOUND' });
      const revoked = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, {
        headers: { authorization: `Bearer ${auditor.token}` },
      });
      expect(revoked.status).toBe(404);
      expect(checks - before).toBe(3);
    },
  );

  it.each(TRANSPORTS)(
    'checks the rule again when the client resubscribes on its own after a dropped connection (%s)',
    async (transport) => {
      const grants = new Set<string>();
      const checkedJobs: string[] = [];
      const authorize: AuthorizeJob = (caller, job) => {
        checkedJobs.push(job.jobId);
        return caller.sessionId === job.owner || (caller.sessionId !== null && grants.has(caller.sessionId));
      };
      await using server = await startTestServer({}, { auth: { canAccess: authorize } });
      const owner = await server.services.sessions.create();
      await using auditor = await connectTo(server, transport);
      grants.add((await server.services.sessions.resolve(auditor.token)) as string);
      const jobId = await startJob(server, owner.token);
      const { emitter } = server.hub;

      const got = follow(auditor, jobId);
      await waitFor(() => expect(seqs(got.ids)).toEqual(['1']));
      emitter.emitProgress(jobId, progressOf(jobId, 10));
      await waitFor(() => expect(seqs(got.ids)).toEqual(['1', '2']));

      // Revoked while the stream is open: it keeps flowing (the rule runs per subscribe, see SECURITY.md)...
      grants.clear();
      emitter.emitProgress(jobId, progressOf(jobId, 20));
      await waitFor(() => expect(seqs(got.ids)).toEqual(['1', '2', '3']));
      const checked = checkedJobs.length;

      // ...until the connection drops: the client's automatic resubscribe, from its last id, is refused.
      server.testing.dropConnections();
      await waitFor(() => expect(got.errors).toHaveLength(1));
      expect(shapeOf(got.errors[0], jobId)).toMatchObject({ message: 'No job <id>', data: { code: 'NOT_FOUND' } });
      expect(auditor.wire.subscriptions.map((s) => s.lastEventId)).toEqual([
        undefined,
        await eventId(server, jobId, 3),
      ]);
      expect(auditor.wire.subscriptions[1]?.connection).toBeGreaterThan(auditor.wire.subscriptions[0]?.connection ?? 0);
      expect(checkedJobs.slice(checked)).toEqual([jobId]);

      // Nothing more reaches it, and nothing of it stays on the server. Over WebSocket a ping's answer follows on the
      // connection whatever the server sent before it; over SSE the refused stream is closed.
      await emitter.emitProgress(jobId, progressOf(jobId, 30));
      await emitter.emitCompletion(jobId, resultOf(jobId));
      expect(await auditor.trpc.upload.ping.query()).toMatchObject({ event: 'pong' });
      await waitFor(() => expect(server.hub.metrics().subscriptionsActive).toBe(0));
      expect(seqs(got.ids)).toEqual(['1', '2', '3']);
      expect(got.done).toBe(false);
    },
  );

  it('lets a rule open jobs to everyone, sessions included or not', async () => {
    await using server = await startTestServer({}, { auth: { canAccess: () => true } });
    await using owner = await connectClient(server);
    await using anonymous = await connectClient(server, { token: 'not-a-real-token' });
    const jobId = await startJob(server, owner.token);
    expect(await anonymous.trpc.upload.get.query({ jobId })).toMatchObject({ jobId, status: 'started' });
    const got = follow(anonymous, jobId);
    await waitFor(() => expect(got.data).toHaveLength(1));
    expect(got.data[0]).toMatchObject({ snapshot: true, payload: { status: 'started' } });
    // Unknown jobs are still NOT_FOUND.
    const unknown = randomUUID();
    expect(shapeOf(await rejection(anonymous.trpc.upload.get.query({ jobId: unknown })), unknown).data).toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});
