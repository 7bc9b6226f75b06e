import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { follow, tempDir, upload, usersCsv } from './fixtures';
import { freePort, startServerProcess } from './process';

describe('SIGTERM with subscribers connected', () => {
  it('ends running jobs, tells clients to reconnect, exits 0, and clients resume on the next process', async () => {
    await using dir = await tempDir();
    const env = { PORT: String(await freePort()), DATA_DIR: dir.path, PROGRESS_INTERVAL_MS: '20' };
    const first = await startServerProcess(env);
    const http = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${first.url}/trpc`, transformer: superjson })],
    });
    const { token } = await http.session.create.mutate();
    const states: string[] = [];
    const ws = createWSClient({
      url: `${first.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
      retryDelayMs: () => 50,
    });
    ws.connectionState.subscribe({ next: (state) => states.push(state.state) });
    const client = { trpc: createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] }) };
    const res = await upload(first, { token, body: usersCsv(300_000) });
    const jobId = res.body.jobId as string;
    const running = follow(client, jobId);
    await vi.waitFor(() => expect(running.data.some((d) => d.payload.status === 'processing')).toBe(true), {
      timeout: 20_000,
    });

    first.child.kill('SIGTERM');
    expect(await first.exited).toBe(0);
    await vi.waitFor(() => expect(running.data.at(-1)?.event).toBe('upload-error'));
    expect(running.data.at(-1)?.payload).toMatchObject({ status: 'failed', message: 'Interrupted by server restart' });
    expect(running.data.filter((d) => d.event === 'upload-error')).toHaveLength(1);
    await vi.waitFor(() => expect(states.at(-1)).toBe('connecting'));

    const late = follow(client, jobId);
    await using second = await startServerProcess(env);
    await vi.waitFor(() => expect(late.done).toBe(true), { timeout: 15_000 });
    expect(late.data).toHaveLength(1);
    expect(late.data[0]).toMatchObject({
      event: 'upload-error',
      payload: { message: 'Interrupted by server restart' },
    });
    expect(late.ids).toEqual([running.ids.at(-1)]);
    expect((await client.trpc.upload.ping.query()).event).toBe('pong');
    expect(states).toContain('pending');
    await ws.close();
    second.child.kill('SIGTERM');
    expect(await second.exited).toBe(0);
  });
});
