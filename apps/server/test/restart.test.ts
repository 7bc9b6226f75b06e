import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, createWSClient, httpLink, type TRPCClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { follow, type Received, tempDir, upload, usersCsv } from './fixtures';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));

interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** The real server (`node --import tsx src/main.ts`) as a child process, its JSON log lines collected from stderr. */
interface ServerProcess extends AsyncDisposable {
  child: ChildProcess;
  url: string;
  logs: LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** A loopback port that was free a moment ago, so a restarted process can come back on the same address. */
async function freePort(): Promise<number> {
  const probe = createServer().listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function startProcess(env: Record<string, string>): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    cwd: SERVER_DIR,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: LogLine[] = [];
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let buffer = '';
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as LogLine;
        logs.push(entry);
        if (entry.msg === 'listening') resolve(entry.url as string);
      }
    });
    exited.then(({ code, signal }) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)),
    );
  });
  return {
    child,
    url: await url,
    logs,
    exited,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

function httpClient(url: string, token?: string): TRPCClient<AppRouter> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers })] });
}

/** A WebSocket client that keeps reconnecting to `url` (and resuming its subscriptions) across restarts. */
function wsClient(url: string, token: string) {
  const ws = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
    retryDelayMs: () => 50,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] });
  return { trpc, ws, [Symbol.asyncDispose]: () => ws.close() };
}

/** Starts a large import and waits until the job is processing; returns it with its live subscription. */
async function runningImport(server: ServerProcess, token: string, client: ReturnType<typeof wsClient>) {
  const res = await upload(server, { token, body: usersCsv(300_000) });
  expect(res.status).toBe(201);
  const jobId = res.body.jobId as string;
  const running: Received = follow(client, jobId);
  await vi.waitFor(() => expect(running.data.some((d) => d.payload.status === 'processing')).toBe(true), {
    timeout: 20_000,
  });
  return { jobId, running };
}

describe('the server process', () => {
  it('after SIGKILL mid-import, the next process reports the job failed as interrupted, to every kind of subscriber', async () => {
    await using dir = await tempDir();
    const env = { PORT: String(await freePort()), DATA_DIR: dir.path, PROGRESS_INTERVAL_MS: '20' };
    const first = await startProcess(env);
    const { token } = await httpClient(first.url).session.create.mutate();
    await using client = wsClient(first.url, token);
    const { jobId, running } = await runningImport(first, token, client);

    first.child.kill('SIGKILL');
    expect(await first.exited).toEqual({ code: null, signal: 'SIGKILL' });
    const lastSeen = Number(running.ids.at(-1));
    expect(running.done).toBe(false);

    await using second = await startProcess(env);
    expect(second.logs).toContainEqual(expect.objectContaining({ msg: 'marked interrupted jobs as failed', count: 1 }));
    const stored = await httpClient(second.url, token).upload.get.query({ jobId });
    expect(stored).toMatchObject({ jobId, status: 'failed', message: 'Interrupted by server restart' });
    expect(stored.finishedAt).toBeInstanceOf(Date);
    expect(stored.processed).toBeLessThan(300_000);

    // A new subscriber gets the failure as the job's current state, and the stream ends.
    await using fresh = wsClient(second.url, token);
    const late = follow(fresh, jobId);
    await vi.waitFor(() => expect(late.done).toBe(true), { timeout: 10_000 });
    expect(late.errors).toEqual([]);
    expect(late.data).toEqual([
      {
        event: 'upload-error',
        snapshot: true,
        payload: expect.objectContaining({ jobId, status: 'failed', message: 'Interrupted by server restart' }),
      },
    ]);

    // The subscriber that watched the job die reconnects on its own, resumes after the last id it saw,
    // and must be told how the job ended, with an id after that one.
    await vi.waitFor(() => expect(running.done || running.errors.length > 0).toBe(true), { timeout: 10_000 });
    expect(running.errors).toEqual([]);
    expect(running.data.at(-1)).toMatchObject({
      event: 'upload-error',
      payload: { jobId, status: 'failed', message: 'Interrupted by server restart' },
    });
    expect(Number(running.ids.at(-1))).toBeGreaterThan(lastSeen);
  });

  it('exits 0 on SIGTERM with a subscriber connected, ending the running job', async () => {
    await using dir = await tempDir();
    const env = {
      PORT: String(await freePort()),
      DATA_DIR: dir.path,
      PROGRESS_INTERVAL_MS: '20',
      SHUTDOWN_DRAIN_MS: '2000',
    };
    await using server = await startProcess(env);
    const { token } = await httpClient(server.url).session.create.mutate();
    await using client = wsClient(server.url, token);
    const { jobId, running } = await runningImport(server, token, client);
    const idle = follow(client, jobId); // a second subscription on the same connection

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
    expect(server.logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['shutting down', 'closed']));
    expect(server.logs).toContainEqual(expect.objectContaining({ msg: 'shutting down', signal: 'SIGTERM' }));
    expect(server.logs.filter((l) => l.level === 'error')).toEqual([]);
    for (const got of [running, idle]) {
      expect(got.data.at(-1)).toMatchObject({
        event: 'upload-error',
        payload: { jobId, status: 'failed', message: 'Interrupted by server restart' },
      });
    }

    // The job's end was stored before the process exited.
    await using again = await startProcess(env);
    expect(again.logs.some((l) => l.msg === 'marked interrupted jobs as failed')).toBe(false);
    expect(await httpClient(again.url, token).upload.get.query({ jobId })).toMatchObject({
      status: 'failed',
      message: 'Interrupted by server restart',
    });
  });

  it('exits 0 on SIGTERM while idle subscribers wait on a finished job', async () => {
    await using dir = await tempDir();
    const env = { PORT: String(await freePort()), DATA_DIR: dir.path };
    await using server = await startProcess(env);
    const { token } = await httpClient(server.url).session.create.mutate();
    await using client = wsClient(server.url, token);
    const res = await upload(server, { token, body: usersCsv(10) });
    const jobId = res.body.jobId as string;
    const done = follow(client, jobId);
    await vi.waitFor(() => expect(done.done).toBe(true), { timeout: 10_000 });
    const unknown = follow(client, randomUUID());
    await vi.waitFor(() => expect(unknown.errors).toHaveLength(1));

    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });
});
