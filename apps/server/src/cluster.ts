import type { Logger } from '@jobstream/logger';
import {
  connectRedis,
  type RedisConnection,
  RedisImportCoordinator,
  RedisJobEventLog,
  RedisRate,
} from '@jobstream/redis';
import type { Config } from './config';
import { AddressRate } from './http/address-rate';
import type { RateLimit } from './http/rate-limit';

/** What several instances share through Redis (`REDIS_URL`): the event log, import coordination and the rates. */
export interface Cluster {
  log: RedisJobEventLog;
  coordinator: RedisImportCoordinator;
  requestRate: RateLimit;
  sessionRate: RateLimit;
  /** Resolves when Redis answers; rejects with why not (readiness). */
  probe(): Promise<void>;
  /** Closes the connections; call after the log and the coordinator are done with them. */
  close(): Promise<void>;
}

/**
 * Connects to Redis (two connections: commands, and pub/sub) and builds what instances share on it. Rejects with
 * `RedisUnavailableError` when Redis cannot be reached at start.
 */
export async function connectCluster(config: Config & { REDIS_URL: string }, logger: Logger): Promise<Cluster> {
  const url = config.REDIS_URL;
  const onError = (error: Error) => logger.warn({ err: error }, 'Redis connection lost; reconnecting');
  const client = await connectRedis({ url, name: 'jobstream', onError });
  let subscriber: RedisConnection;
  try {
    subscriber = await connectRedis({ url, name: 'jobstream-pubsub', onError });
  } catch (error) {
    await client.close();
    throw error;
  }
  const prefix = config.REDIS_PREFIX;
  const log = new RedisJobEventLog({
    client,
    subscriber,
    prefix,
    maxEvents: config.HISTORY_MAX_EVENTS,
    maxAgeMs: config.HISTORY_MAX_AGE_MS,
    retentionMs: config.JOB_RETENTION_MS,
    onError: (jobId, error) => logger.warn({ jobId, err: error }, 'a job could not catch up from Redis; retrying'),
  });
  const coordinator = await RedisImportCoordinator.create({
    client,
    subscriber,
    prefix,
    leaseMs: config.IMPORT_LEASE_MS,
    onError: (error) => logger.warn({ err: error }, 'import claims could not be renewed; retrying'),
  });
  const shared = (name: string, perSecond: number, burst: number) =>
    new RedisRate({ client, prefix, name, perSecond, burst, fallback: new AddressRate(perSecond, burst) });
  return {
    log,
    coordinator,
    requestRate: shared('requests', config.MAX_HTTP_REQUESTS_PER_SECOND, config.MAX_HTTP_REQUESTS_PER_SECOND),
    sessionRate: shared('sessions', config.MAX_SESSIONS_PER_MINUTE / 60, config.MAX_SESSIONS_PER_MINUTE),
    async probe() {
      await client.ping();
    },
    async close() {
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}
