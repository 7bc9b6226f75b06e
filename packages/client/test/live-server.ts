import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { UploadProgress } from '@jobstream/contracts';
import { type ApiServer, ConfigSchema, startApiServer, type TestableApiServer } from '@jobstream/server';
import { WebSocket } from 'ws';
import { createJobstreamClients, type JobstreamClients } from '../src/create-clients';

/**
 * The real API server on a free port with its own SQLite file, quiet, with its test hooks; disposing stops it and
 * removes its data.
 */
export async function startLiveServer(): Promise<TestableApiServer & AsyncDisposable> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobstream-client-'));
  const server = await startApiServer({
    config: ConfigSchema.parse({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dataDir }),
    testing: true,
  });
  return {
    ...server,
    async [Symbol.asyncDispose]() {
      await server.shutdown();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/** Clients of `server` authenticated by `token` alone (no cookie), as a script's; disposing closes the socket. */
export function clientsOf(server: ApiServer, token: string): JobstreamClients & AsyncDisposable {
  const clients = createJobstreamClients({
    httpUrl: `${server.url}/trpc`,
    wsUrl: `${server.url.replace('http', 'ws')}/trpc`,
    token,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  return { ...clients, [Symbol.asyncDispose]: () => clients.wsClient.close() };
}

/** A progress payload of `jobId` at `percent` of 1000 rows. */
export function progressOf(jobId: string, percent: number, errors: string[] = []): UploadProgress {
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

/** Records a job owned by `token`'s session and reports it started; returns its id. */
export async function startJob(server: ApiServer, token: string): Promise<string> {
  const jobId = randomUUID();
  const owner = await server.services.sessions.resolve(token);
  if (!owner) throw new Error('unknown token');
  await server.services.jobs.create({ jobId, owner, templateName: 'users', message: '' });
  server.hub.emitter.emitProgress(jobId, progressOf(jobId, 0));
  return jobId;
}

/** Reports `jobId` completed with `errors` as its rejected rows. */
export function completeJob(server: ApiServer, jobId: string, errors: string[] = []): void {
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

/** The epoch of a job's history in the server's log: its event ids are `<epoch>:<seq>`. */
export async function epochOf(server: ApiServer, jobId: string): Promise<string> {
  const id = (await server.hub.log.latest(jobId))?.id;
  if (!id) throw new Error(`the log holds no job ${jobId}`);
  return id.slice(0, id.indexOf(':'));
}
