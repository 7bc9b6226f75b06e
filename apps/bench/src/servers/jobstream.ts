import { rmSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type ApiServer, ConfigSchema, startApiServer } from '@jobstream/server';
import type { ClusterDeployment, ClusterServerParams } from '../protocol';
import { startedPayload } from '../wire';
import type { BenchServer } from './bench-server';

/** Every load-generator connection comes from 127.0.0.1, so the per-address limit is lifted. */
const MAX_CONNECTIONS = 100_000;

/**
 * `startApiServer` as built, quiet, its data in a temporary folder, default limits but connections per address; with
 * a deployment, one instance of a cluster (`REDIS_URL`, `DATABASE_URL` and `REDIS_PREFIX` from it). Closing it shuts
 * it down and removes the folder; so does this process's exit before that.
 */
export async function startJobstreamInstance(
  deployment?: ClusterDeployment,
): Promise<{ server: ApiServer; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'jobstream-bench-'));
  const cluster = deployment
    ? { REDIS_URL: deployment.redisUrl, DATABASE_URL: deployment.databaseUrl, REDIS_PREFIX: deployment.redisPrefix }
    : {};
  const config = ConfigSchema.parse({
    PORT: '0',
    LOG_LEVEL: 'silent',
    DATA_DIR: dataDir,
    MAX_CONNECTIONS_PER_ADDRESS: String(MAX_CONNECTIONS),
    ...cluster,
  });
  const removeData = () => rmSync(dataDir, { recursive: true, force: true });
  // A server process exits a while after the orchestrator has gone, closed or not (a cluster instance whose Redis
  // was stopped first waits out its command timeouts): its folder goes with it.
  process.once('exit', removeData);
  const server = await startApiServer({ config }).catch(async (error: unknown) => {
    process.off('exit', removeData);
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  });
  return {
    server,
    close: async () => {
      await server.shutdown();
      process.off('exit', removeData);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * This project's server as built (`apps/server/dist`, what `pnpm start` runs; `pnpm bench` builds it first). Every
 * job belongs to one session whose token the subscribers send (as tRPC `connectionParams`, or as Socket.IO's
 * `auth`); events go through the server's own `hub.emitter`. Its subscribers speak tRPC at `/trpc`, or, for
 * `socketio`, the old gateway's Socket.IO protocol at the compatibility path. With `cluster`, it is the emitting
 * instance of a cluster and its endpoint is the subscribers' instance: every event they receive crossed Redis.
 */
export async function startJobstreamServer(
  protocol: 'trpc' | 'socketio' = 'trpc',
  cluster?: ClusterServerParams,
): Promise<BenchServer> {
  const instance = await startJobstreamInstance(cluster);
  const { server } = instance;
  const { token, sessionId } = await server.services.sessions.create();
  const { emitter } = server.hub;
  const url = cluster ? cluster.subscribersUrl : server.url;
  return {
    endpoint: {
      url: protocol === 'trpc' ? `${url.replace('http', 'ws')}/trpc` : url,
      connectionParams: { token },
    },
    createJob: async (jobId) => {
      await server.services.jobs.create({ jobId, owner: sessionId, templateName: 'users', message: '' });
      // Recorded before anyone subscribes, wherever the subscribers are.
      await emitter.emitProgress(jobId, startedPayload(jobId));
    },
    emitProgress: (jobId, payload) => emitter.emitProgress(jobId, payload),
    emitCompletion: (jobId, result) => emitter.emitCompletion(jobId, result),
    close: () => instance.close(),
  };
}
