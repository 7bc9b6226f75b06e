// @vitest-environment jsdom
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJobstreamClients, type JobstreamClients } from '@jobstream/client';
import type { UploadProgress } from '@jobstream/contracts';
import { ConfigSchema, startApiServer, type TestableApiServer } from '@jobstream/server';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { renderHook, waitFor } from '@testing-library/react';
import type { ReactNode } from 'react';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { ConnectionStatusProvider } from '../src/connection-context';
import { TRPCProvider } from '../src/trpc-context';
import { useJobProgress } from '../src/use-job-progress';

let server: TestableApiServer;
let dataDir: string;
const opened: JobstreamClients[] = [];

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'jobstream-react-'));
  server = await startApiServer({
    config: ConfigSchema.parse({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
    testing: true,
  });
});

afterAll(async () => {
  await Promise.all(opened.map(({ wsClient }) => wsClient.close()));
  await server.shutdown();
  await rm(dataDir, { recursive: true, force: true });
});

/** A session, its clients over a real WebSocket, and a React wrapper providing them. */
async function connect(token?: string, withStatusProvider = true) {
  token ??= (await server.services.sessions.create()).token;
  const clients = createJobstreamClients({
    httpUrl: `${server.url}/trpc`,
    wsUrl: `${server.url.replace('http', 'ws')}/trpc`,
    connectionParams: { token },
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  opened.push(clients);
  const queryClient = new QueryClient();
  const wrapper = ({ children }: { children: ReactNode }) => (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={clients.trpcClient} queryClient={queryClient}>
        {withStatusProvider ? (
          <ConnectionStatusProvider wsClient={clients.wsClient}>{children}</ConnectionStatusProvider>
        ) : (
          children
        )}
      </TRPCProvider>
    </QueryClientProvider>
  );
  return { token, wrapper };
}

function progress(jobId: string, percent: number, errors: string[] = []): UploadProgress {
  return {
    jobId,
    templateName: 'users',
    status: percent === 0 ? 'started' : 'processing',
    progress: percent,
    message: `Processing ${percent * 10} of 1000 rows`,
    processed: percent * 10,
    total: 1000,
    errors,
  };
}

/** Records a job owned by `token`'s session and reports it started. */
/** The id of event number `seq` of a job in the server's log: `<its epoch>:<seq>`. */
async function eventId(jobId: string, seq: number): Promise<string> {
  const id = (await server.hub.log.latest(jobId))?.id ?? '';
  return `${id.slice(0, id.indexOf(':'))}:${seq}`;
}

async function startJob(token: string): Promise<string> {
  const jobId = randomUUID();
  const owner = await server.services.sessions.resolve(token);
  if (!owner) throw new Error('unknown token');
  await server.services.jobs.create({ jobId, owner, templateName: 'users', message: '' });
  server.hub.emitter.emitProgress(jobId, progress(jobId, 0));
  return jobId;
}

function complete(jobId: string, errors: string[]): void {
  server.hub.emitter.emitCompletion(jobId, {
    jobId,
    templateName: 'users',
    status: 'completed',
    processed: 1000,
    total: 1000,
    inserted: 1000 - errors.length,
    updated: 0,
    failed: errors.length,
    errors,
    durationMs: 1500,
  });
}

const A = 'Row 3: email: Invalid email address';
const B = 'Row 9: name: is required';
const C = 'Row 12: role: must be one of admin, member, viewer';

describe('useJobProgress against the real API server', () => {
  it('starts from the snapshot, follows every change, accumulates row errors and ends with the result', async () => {
    const { token, wrapper } = await connect();
    const jobId = await startJob(token);
    const { result } = renderHook(() => useJobProgress(jobId), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('started'));
    expect(result.current.connection).toBe('connected');

    server.hub.emitter.emitProgress(jobId, progress(jobId, 10, [A]));
    await waitFor(() => expect(result.current.progress).toBe(10));
    server.hub.emitter.emitProgress(jobId, progress(jobId, 40, [A, B]));
    await waitFor(() => expect(result.current.progress).toBe(40));
    expect(result.current).toMatchObject({ status: 'processing', processed: 400, total: 1000, errors: [A, B] });

    complete(jobId, [A, B]);
    await waitFor(() => expect(result.current.status).toBe('completed'));
    expect(result.current).toMatchObject({ progress: 100, errors: [A, B], eta: undefined, error: null });
    expect(result.current.result).toMatchObject({ inserted: 998, failed: 2, durationMs: 1500 });
  });

  it('resumes after the connection drops from the last event id: nothing lost, nothing repeated', async () => {
    const { token, wrapper } = await connect();
    const jobId = await startJob(token);
    const { result } = renderHook(() => useJobProgress(jobId), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('started'));
    server.hub.emitter.emitProgress(jobId, progress(jobId, 10, [A]));
    const second = await eventId(jobId, 2);
    await waitFor(() => expect(result.current.lastEventId).toBe(second));
    const snapshotsBefore = server.hub.metrics().snapshotsSent;

    server.testing.dropConnections();
    await waitFor(() => expect(result.current.connection).toBe('reconnecting'));
    server.hub.emitter.emitProgress(jobId, progress(jobId, 20, [A, B]));
    server.hub.emitter.emitProgress(jobId, progress(jobId, 30, [A, B, C]));
    await waitFor(() => expect(result.current.connection).toBe('connected'), { timeout: 5_000 });
    await waitFor(() => expect(result.current.progress).toBe(30));
    complete(jobId, [A, B, C]);

    await waitFor(() => expect(result.current.status).toBe('completed'));
    expect(result.current.errors).toEqual([A, B, C]);
    expect(result.current.lastEventId).toBe(await eventId(jobId, 5));
    // Resumed exactly after event 2: the server replayed history instead of sending a snapshot.
    expect(server.hub.metrics().snapshotsSent).toBe(snapshotsBefore);
  });

  it('shows a finished job at once from its terminal snapshot', async () => {
    const { token, wrapper } = await connect();
    const jobId = await startJob(token);
    server.hub.emitter.emitProgress(jobId, progress(jobId, 50, [A]));
    server.hub.emitter.emitError(jobId, 'Cancelled', { errors: [A] });
    const { result } = renderHook(() => useJobProgress(jobId), { wrapper });
    await waitFor(() => expect(result.current.status).toBe('failed'));
    expect(result.current).toMatchObject({ message: 'Cancelled', errors: [A], result: undefined });
    expect(result.current.failure?.message).toBe('Cancelled');
  });

  it('reports the connection from its own subscription without a ConnectionStatusProvider', async () => {
    const { token, wrapper } = await connect(undefined, false);
    const jobId = await startJob(token);
    const { result } = renderHook(() => useJobProgress(jobId), { wrapper });
    await waitFor(() => expect(result.current.connection).toBe('connected'));
    server.testing.dropConnections();
    await waitFor(() => expect(result.current.connection).toBe('reconnecting'));
    await waitFor(() => expect(result.current.connection).toBe('connected'), { timeout: 5_000 });
    complete(jobId, []);
    await waitFor(() => expect(result.current.status).toBe('completed'));
  });

  it("answers NOT_FOUND for another session's job", async () => {
    const owner = await connect();
    const jobId = await startJob(owner.token);
    const { wrapper } = await connect();
    const { result } = renderHook(() => useJobProgress(jobId), { wrapper });
    await waitFor(() => expect(result.current.error?.data?.code).toBe('NOT_FOUND'));
    expect(result.current.status).toBeUndefined();
  });
});
