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
 * belongs to one session whose token the subscribers send as `connectionParams`; events go through the server's
 * own `hub.emitter`.
 */
export async function startJobstreamServer(): Promise<BenchServer> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobstream-bench-'));
  const config = ConfigSchema.parse({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
  });
  const server = await startApiServer({ config });
  const { token, sessionId } = server.services.sessions.create();
  const { emitter } = server.hub;
  return {
    endpoint: { url: `${server.url.replace('http', 'ws')}/trpc`, connectionParams: { token } },
    createJob: (jobId) => {
      server.services.jobs.create({ jobId, owner: sessionId, templateName: 'users', message: '' });
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
