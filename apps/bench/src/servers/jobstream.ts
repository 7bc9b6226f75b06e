import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigSchema, startApiServer } from '@jobstream/server';
import { startedPayload } from '../wire';
import type { BenchServer } from './bench-server';

/** Every load-generator connection comes from 127.0.0.1, so the per-address limit is lifted. */
const MAX_CONNECTIONS = 100_000;

/**
 * This project's server as built (`apps/server/dist`, what `pnpm start` runs; `pnpm bench` builds it first):
 * `startApiServer` with its database in a temporary folder, default limits but connections per address. Every job
 * belongs to one session whose token the subscribers send (as tRPC `connectionParams`, or as Socket.IO's `auth`);
 * events go through the server's own `hub.emitter`. Its subscribers speak tRPC at `/trpc`, or, for `socketio`, the
 * old gateway's Socket.IO protocol at the compatibility path.
 */
export async function startJobstreamServer(protocol: 'trpc' | 'socketio' = 'trpc'): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobstream-bench-'));
  const config = ConfigSchema.parse({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
  });
  const server = await startApiServer({ config });
  const { token, sessionId } = await server.services.sessions.create();
  const { emitter } = server.hub;
  return {
    endpoint: {
      url: protocol === 'trpc' ? `${server.url.replace('http', 'ws')}/trpc` : server.url,
      connectionParams: { token },
    },
    createJob: async (jobId) => {
      await server.services.jobs.create({ jobId, owner: sessionId, templateName: 'users', message: '' });
      emitter.emitProgress(jobId, startedPayload(jobId));
    },
    emitProgress: (jobId, payload) => emitter.emitProgress(jobId, payload),
    emitCompletion: (jobId, result) => emitter.emitCompletion(jobId, result),
    close: async () => {
      await server.shutdown();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
