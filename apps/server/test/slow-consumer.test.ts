import { describe, expect, it, vi } from 'vitest';
import { progressOf, resultOf, startJob, startTestServer } from './fixtures';
import { openRawClient } from './raw-client';

function gauge(metrics: string, name: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name} `));
  return Number(line?.split(' ')[1]);
}

const SEND_BUFFER_BYTES = 64 * 1024;

describe('a subscriber that stops reading', () => {
  it('holds at most the send-buffer bound on the server, then gets the latest state and the terminal event', async () => {
    await using server = await startTestServer({ SEND_BUFFER_BYTES: String(SEND_BUFFER_BYTES) });
    const { token } = server.services.sessions.create();
    const jobId = startJob(server, token);
    await using slow = await openRawClient(server.url, token);
    slow.subscribe(1, jobId);
    await vi.waitFor(() => expect(slow.received.some((m) => m.result?.type === 'data')).toBe(true));
    slow.socket.pause();

    const errors = Array.from({ length: 100 }, (_, i) => `Row ${i}: email: ${'x'.repeat(80)}`);
    const eventBytes = JSON.stringify(errors).length + 400;
    let maxBuffered = 0;
    for (let i = 1; i <= 5_000; i++) {
      server.hub.emitter.emitProgress(jobId, { ...progressOf(jobId, i / 50), processed: i, total: 5_000, errors });
      if (i % 10 === 0) {
        await new Promise((resolve) => setImmediate(resolve));
        maxBuffered = Math.max(maxBuffered, gauge(server.metrics(), 'jobstream_ws_buffered_bytes'));
      }
    }
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    expect(maxBuffered).toBeGreaterThan(0);
    expect(maxBuffered).toBeLessThanOrEqual(SEND_BUFFER_BYTES + 3 * eventBytes);

    slow.socket.resume();
    await vi.waitFor(() => expect(slow.received.at(-1)?.result?.type).toBe('stopped'), { timeout: 15_000 });
    const data = slow.received.filter((m) => m.result?.type === 'data').map((m) => m.result?.data?.json.data);
    expect(data.length).toBeLessThan(5_000);
    expect(data.at(-1)?.event).toBe('upload-completed');
    expect(data.at(-2)?.payload).toMatchObject({ processed: 5_000, progress: 100 });
    expect(gauge(server.metrics(), 'jobstream_events_conflated_total')).toBeGreaterThan(0);
  });
});
