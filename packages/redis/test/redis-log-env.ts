import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectRedis, type RedisConnection, RedisJobEventLog, type RedisLogOptions } from '../src/index';

/** A Redis log on the run's server under a key prefix of its own, with its two connections. */
export interface LogEnv extends AsyncDisposable {
  log: RedisJobEventLog;
  client: RedisConnection;
  subscriber: RedisConnection;
  prefix: string;
}

/** Opens a Redis log (and its connections) on `url` (default: the run's server), under `prefix` (default: a new one). */
export async function redisLog(
  options: Partial<Omit<RedisLogOptions, 'client' | 'subscriber'>> & { url?: string; commandTimeoutMs?: number } = {},
): Promise<LogEnv> {
  const url = options.url ?? inject('redisUrl');
  const prefix = options.prefix ?? `test-${randomBytes(4).toString('hex')}:`;
  const { commandTimeoutMs } = options;
  const client = await connectRedis({ url, name: 'test-commands', commandTimeoutMs });
  const subscriber = await connectRedis({ url, name: 'test-subscriber', commandTimeoutMs });
  const log = new RedisJobEventLog({ ...options, client, subscriber, prefix });
  return {
    log,
    client,
    subscriber,
    prefix,
    async [Symbol.asyncDispose]() {
      log[Symbol.dispose]();
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}
