import { randomUUID } from 'node:crypto';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { follow, type Received, seqs, type Transport, testData, upload, usersCsv } from './fixtures';
import { freePort, httpClient, type LoggedProcess, startLoggedProcess } from './server-process';
import { connectWire, TRANSPORTS, type WireClient } from './wire-client';

const INTERRUPTED = { status: 'failed', message: 'Interrupted by server restart' };
/** Imports paced so that one is still running when the test acts, however fast or busy the machine is. */
const PACED = { IMPORT_ROWS_PER_SECOND: '20000' };

/** A client that keeps reconnecting to `url` (and resuming its subscriptions) across restarts. */
function reconnectingClient(url: string, token: string, transport: Transport): WireClient {
  return connectWire(url, { transport, token, retryDelayMs: 50 });
}

/** Starts a large import and waits until the job is processing; returns it with its live subscription. */
async function runningImport(server: LoggedProcess, token: string, client: WireClient) {
  const res = await upload(server, { token, body: usersCsv(300_000) });
  expect(res.status).toBe(201);
  const jobId = res.body.jobId as string;
  const running: Received = follow(client, jobId);
  await waitFor(() => expect(running.data.some((d) => d.payload.status === 'processing')).toBe(true));
  return { jobId, running };
}

/** The subscription ended with the job's interruption, received exactly once, and nothing after it. */
function expectInterruptedOnce(got: Received, jobId: string): void {
  expect(got.errors).toEqual([]);
  expect(got.done).toBe(true);
  expect(got.data.filter((d) => d.event === 'upload-error')).toHaveLength(1);
  expect(got.data.at(-1)).toMatchObject({ event: 'upload-error', payload: { jobId, ...INTERRUPTED } });
}

describe.each(TRANSPORTS)('the server process, with subscribers over %s', (transport) => {
  it('after SIGKILL mid-import, the next process reports the job failed as interrupted, to every kind of subscriber', async () => {
    await using dir = await testData();
    const env = { PORT: String(await freePort()), ...dir.env, PROGRESS_INTERVAL_MS: '20', ...PACED };
    const first = await startLoggedProcess(env);
    const { token } = await httpClient(first.url).session.create.mutate();
    await using client = reconnectingClient(first.url, token, transport);
    const { jobId, running } = await runningImport(first, token, client);

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const lastSeen = running.ids.at(-1) as string;
    expect(running.done).toBe(false);

    await using second = await startLoggedProcess(env);
    expect(second.logs).toContainEqual(expect.objectContaining({ msg: 'marked interrupted jobs as failed', count: 1 }));
    const stored = await httpClient(second.url, token).upload.get.query({ jobId });
    expect(stored).toMatchObject({ jobId, ...INTERRUPTED });
    expect(stored.finishedAt).toBeInstanceOf(Date);
    expect(stored.processed).toBeLessThan(300_000);

    // A new subscriber gets the failure as the job's current state, and the stream ends.
    await using fresh = connectWire(second.url, { transport, token });
    const late = follow(fresh, jobId);
    await waitFor(() => expect(late.done).toBe(true));
    expect(late.errors).toEqual([]);
    expect(late.data).toEqual([
      { event: 'upload-error', snapshot: true, payload: expect.objectContaining({ jobId, ...INTERRUPTED }) },
    ]);

    // The subscriber that watched the job die reconnects on its own, resumes after the last id it saw,
    // and must be told how the job ended, with an id after that one.
    await waitFor(() => expect(running.done || running.errors.length > 0).toBe(true));
    expectInterruptedOnce(running, jobId);
    expect(Number(seqs([running.ids.at(-1)])[0])).toBeGreaterThan(Number(seqs([lastSeen])[0]));
    expect(client.wire.subscriptions.at(-1)?.lastEventId).toBe(lastSeen);
  });

  it('exits 0 on SIGTERM with two subscriptions on a connection, storing the job’s end before it exits', async () => {
    await using dir = await testData();
    const env = {
      PORT: String(await freePort()),
      ...dir.env,
      PROGRESS_INTERVAL_MS: '20',
      SHUTDOWN_DRAIN_MS: '2000',
      ...PACED,
    };
    await using server = await startLoggedProcess(env);
    const { token } = await httpClient(server.url).session.create.mutate();
    await using client = reconnectingClient(server.url, token, transport);
    const { jobId, running } = await runningImport(server, token, client);
    const second = follow(client, jobId); // a second subscription on the same connection
    await waitFor(() => expect(second.data.length).toBeGreaterThan(0));

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'closed']));
    expect(server.logs).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
    expect(server.logs.filter((l) => l.level === 'error')).toEqual([]);

    // The job's end was stored before the process exited; both subscriptions end with it exactly once, whether
    // they got it before the exit (SSE) or by resuming on the next process (WebSocket).
    await using again = await startLoggedProcess(env);
    expect(again.logs.some((l) => l.msg === 'marked interrupted jobs as failed')).toBe(false);
    expect(await httpClient(again.url, token).upload.get.query({ jobId })).toMatchObject(INTERRUPTED);
    await waitFor(() => expect(running.done && second.done).toBe(true));
    for (const got of [running, second]) expectInterruptedOnce(got, jobId);
  });

  it('exits 0 on SIGTERM while idle subscribers wait on a finished job', async () => {
    await using dir = await testData();
    const env = { PORT: String(await freePort()), ...dir.env };
    await using server = await startLoggedProcess(env);
    const { token } = await httpClient(server.url).session.create.mutate();
    await using client = reconnectingClient(server.url, token, transport);
    const res = await upload(server, { token, body: usersCsv(10) });
    const jobId = res.body.jobId as string;
    const done = follow(client, jobId);
    await waitFor(() => expect(done.done).toBe(true));
    const unknown = follow(client, randomUUID());
    await waitFor(() => expect(unknown.errors).toHaveLength(1));

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
