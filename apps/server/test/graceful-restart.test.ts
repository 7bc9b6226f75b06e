import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { follow, type Received, seqs, testData, upload, usersCsv } from './fixtures';
import { openRawClient } from './raw-client';
import { freePort, httpClient, startLoggedProcess } from './server-process';
import { connectWire, TRANSPORTS } from './wire-client';

/** tRPC's reconnect notification, byte for byte as it goes over the WebSocket. */
const RECONNECT = '{"id":null,"method":"reconnect"}';
const INTERRUPTED = { status: 'failed', message: 'Interrupted by server restart' };

function failures(got: Received) {
  return got.data.filter((d) => d.event === 'upload-error');
}

describe.each(TRANSPORTS)('SIGTERM with subscribers connected (%s)', (transport) => {
  it('exits 0 and the client ends with the job’s final state exactly once, resumed on the next process', async () => {
    await using dir = await testData();
    const env = {
      PORT: String(await freePort()),
      ...dir.env,
      PROGRESS_INTERVAL_MS: '20',
      // The @trpc/client leaves at the notification, within this on a busy machine too; the bare socket stays to the end.
      SHUTDOWN_DRAIN_MS: '3000',
      // Paced, so the import is still running when the test acts, however fast or busy the machine is.
      IMPORT_ROWS_PER_SECOND: '20000',
    };
    const first = await startLoggedProcess(env);
    const { token } = await httpClient(first.url).session.create.mutate();
    await using client = connectWire(first.url, { transport, token, retryDelayMs: 50 });
    const res = await upload(first, { token, body: usersCsv(300_000) });
    const jobId = res.body.jobId as string;
    const running = follow(client, jobId);
    await waitFor(() => expect(running.data.some((d) => d.payload.status === 'processing')).toBe(true));
    // Alongside, a bare WebSocket that hears the notification but does not act on it.
    await using bare = await openRawClient(first.url, token);
    const frames: string[] = [];
    bare.socket.on('message', (data) => frames.push(String(data)));
    const bareClosed = new Promise<number>((resolve) => bare.socket.once('close', resolve));
    bare.subscribe(1, jobId);
    await waitFor(() => expect(bare.received.some((m) => m.result?.type === 'data')).toBe(true));

    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.logs.filter((l) => l.level === 'error')).toEqual([]);

    // The notification went out first; only then were running imports stopped, and the client that stayed got
    // the job's end on the old connection before the 1012 close.
    expect(await bareClosed).toBe(1012);
    const notified = frames.indexOf(RECONNECT);
    const interrupted = frames.findIndex((f) => f.includes('upload-error') && f.includes(INTERRUPTED.message));
    expect(notified).toBeGreaterThanOrEqual(0);
    expect(interrupted).toBeGreaterThan(notified);

    const lastSeen = running.ids.at(-1) as string;
    const connectionsBefore = client.wire.connections;
    if (transport === 'ws') {
      // The @trpc/client got the notification too, left, and so has not seen the job end yet.
      expect(client.wire.received.filter((f) => f === RECONNECT)).toHaveLength(1);
      expect(failures(running)).toEqual([]);
      expect(running.done).toBe(false);
    } else {
      // SSE has no notification: its stream stayed open, got the job's end, and ended cleanly.
      await waitFor(() => expect(running.done).toBe(true));
      expect(failures(running)).toHaveLength(1);
      expect(connectionsBefore).toBe(1);
    }

    await using second = await startLoggedProcess(env);
    expect(second.logs.some((l) => l.msg === 'marked interrupted jobs as failed')).toBe(false); // stored by the first
    if (transport === 'sse') {
      // Resumed on the new process from the last progress event it saw: exactly the end, once.
      const resumed = follow(client, jobId, running.ids.at(-2));
      await waitFor(() => expect(resumed.done).toBe(true));
      expect(resumed.ids).toEqual([lastSeen]);
      expect(resumed.data[0]).toMatchObject({ event: 'upload-error', payload: INTERRUPTED });
    }
    await waitFor(() => expect(running.done).toBe(true));
    expect(running.errors).toEqual([]);
    expect(failures(running)).toHaveLength(1);
    expect(running.data.at(-1)).toMatchObject({ event: 'upload-error', payload: { jobId, ...INTERRUPTED } });
    if (transport === 'ws') {
      // Resumed on a connection to the new process, from the last id it had.
      expect(Number(seqs([running.ids.at(-1)])[0])).toBeGreaterThan(Number(seqs([lastSeen])[0]));
      const resubscribe = client.wire.subscriptions.at(-1);
      expect(resubscribe).toMatchObject({ path: 'upload.onProgress', lastEventId: lastSeen });
      expect(resubscribe?.connection).toBeGreaterThan(connectionsBefore);
    }
    expect(await httpClient(second.url, token).upload.get.query({ jobId })).toMatchObject(INTERRUPTED);

    second.child.kill('SIGTERM');
    expect(await second.exited).toEqual({ code: 0, signal: null });
  });
});
