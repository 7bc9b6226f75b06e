import type { AppRouter } from '@jobstream/api';
import { type UploadResult, UploadStatus, WebSocketEvents } from '@jobstream/contracts';
import type { ProgressEmitter } from '@jobstream/progress';
import { createTRPCClient, createWSClient, httpLink, splitLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it, vi } from 'vitest';
import { WebSocket } from 'ws';
import { type ApiServer, loadConfig, startApiServer } from '../src/index';
import { startTestServer, tempDir, upload, usersCsv } from './fixtures';

// README: "Subscribing from plain @trpc/client code"
async function watchJob(apiUrl: string, jobId: string, token: string): Promise<UploadResult | string> {
  const wsClient = createWSClient({
    url: `${apiUrl.replace(/^http/, 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket, // Node 20 has no global WebSocket
    connectionParams: { token },
    keepAlive: { enabled: true, intervalMs: 20_000, pongTimeoutMs: 5_000 },
  });
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: httpLink({
          url: `${apiUrl}/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${token}` },
        }),
      }),
    ],
  });
  return new Promise((resolve) => {
    const subscription = trpc.upload.onProgress.subscribe(
      { jobId },
      {
        onData: ({ data }) => {
          if (data.event === WebSocketEvents.UPLOAD_PROGRESS)
            console.log(`${data.payload.progress}% ${data.payload.message}`);
          if (data.event === WebSocketEvents.UPLOAD_COMPLETED) resolve(data.payload);
          if (data.event === WebSocketEvents.UPLOAD_ERROR) resolve(data.payload.message);
        },
        onComplete: () => {
          subscription.unsubscribe();
          void wsClient.close();
        },
      },
    );
  });
}

// README: "Reporting progress from server code"
async function resizeVideo(emitter: ProgressEmitter, jobId: string, frames: number): Promise<void> {
  const job = { jobId, templateName: 'video-resize' };
  await emitter.emitProgress(jobId, { ...job, status: UploadStatus.STARTED, progress: 0, message: 'Queued' });
  try {
    for (let frame = 1; frame <= frames; frame++) {
      await new Promise((resolve) => setImmediate(resolve)); // the real work
      const progress = Math.floor((frame / frames) * 100);
      const message = `Frame ${frame} of ${frames}`;
      await emitter.emitProgress(jobId, {
        ...job,
        status: UploadStatus.PROCESSING,
        progress,
        message,
        processed: frame,
        total: frames,
      });
    }
    await emitter.emitCompletion(jobId, {
      ...job,
      status: UploadStatus.COMPLETED,
      processed: frames,
      total: frames,
      inserted: frames,
      updated: 0,
      failed: 0,
      errors: [],
      durationMs: 0,
    });
  } catch (error) {
    await emitter.emitError(jobId, error instanceof Error ? error.message : 'Resize failed');
  }
}

// README: "Plugging in your own authorization"
function startWithTeamAccess(env: Record<string, string | undefined>): Promise<ApiServer> {
  const admins = new Set((env.ADMIN_SESSIONS ?? '').split(','));
  return startApiServer({
    config: loadConfig(env),
    auth: { canAccess: (caller, job) => caller.sessionId === job.owner || admins.has(caller.sessionId ?? '') },
  });
}

describe('README examples', () => {
  it('watches an import with plain @trpc/client code', async () => {
    await using server = await startTestServer();
    const { token } = await server.services.sessions.create();
    const res = await upload(server, { token, body: usersCsv(20) });
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const result = await watchJob(server.url, res.body.jobId as string, token);
    log.mockRestore();
    expect(result).toMatchObject({ status: 'completed', inserted: 20 });
  });

  it('reports custom server work through the emitter to a subscriber', async () => {
    await using server = await startTestServer();
    const { token, sessionId } = await server.services.sessions.create();
    const jobId = crypto.randomUUID();
    await server.services.jobs.create({ jobId, owner: sessionId, templateName: 'video-resize', message: '' });
    const done = resizeVideo(server.hub.emitter, jobId, 30);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const result = await watchJob(server.url, jobId, token);
    log.mockRestore();
    await done;
    expect(result).toMatchObject({ status: 'completed', processed: 30, total: 30 });
  });

  it('embeds the server with a host-app authorization rule', async () => {
    await using dir = await tempDir();
    await using server = await startWithTeamAccess({ PORT: '0', DATA_DIR: dir.path, LOG_LEVEL: 'silent' });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
