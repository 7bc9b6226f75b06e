import { createClient, type RedisClientType } from '@redis/client';

/** A connection to Redis as jobstream uses it: RESP3, no offline queue, reconnecting with a capped backoff. */
export type RedisConnection = RedisClientType;

/** Options of `connectRedis`. */
export interface RedisConnectionOptions {
  /** `redis://[user:password@]host:port[/db]` (the `REDIS_URL`). */
  url: string;
  /** The connection's name in `CLIENT LIST`, for operators. */
  name: string;
  /** Called with each connection error after the first connect (the connection reconnects by itself). */
  onError?: (error: Error) => void;
  /** Most time between reconnect attempts, in ms (default 2,000). */
  maxReconnectDelayMs?: number;
  /** How long one connect attempt may take, in ms (default 5,000). */
  connectTimeoutMs?: number;
  /**
   * How long a command may wait for its reply, in ms, before it fails (default 5,000): a Redis that stops answering
   * without closing the connection (paused, partitioned) fails calls within this, rather than piling them up.
   */
  commandTimeoutMs?: number;
}

/** The address a Redis URL points at, for messages: never its password. */
export function describeRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || 6379}`;
  } catch {
    return 'the configured address';
  }
}

/** Thrown by `connectRedis` when Redis cannot be reached at start. */
export class RedisUnavailableError extends Error {
  override readonly name = 'RedisUnavailableError';
}

/**
 * Connects to Redis, rejecting with `RedisUnavailableError` when the first attempt fails. From then on a lost
 * connection reconnects by itself (50 ms, doubling up to `maxReconnectDelayMs`), and commands sent while it is
 * down fail at once rather than queue: nothing buffers without bound while Redis is away.
 */
export async function connectRedis(options: RedisConnectionOptions): Promise<RedisConnection> {
  let connected = false;
  const maxDelay = options.maxReconnectDelayMs ?? 2_000;
  const client: RedisConnection = createClient({
    url: options.url,
    name: options.name,
    disableOfflineQueue: true,
    commandOptions: { timeout: options.commandTimeoutMs ?? 5_000, rejectInFlight: true },
    socket: {
      connectTimeout: options.connectTimeoutMs ?? 5_000,
      // Before the first connect, give up: the caller reports one clear error. After it, retry for as long as it takes.
      reconnectStrategy: (retries, cause) => (connected ? Math.min(50 * 2 ** retries, maxDelay) : cause),
    },
  });
  client.on('error', (error: Error) => {
    if (connected) options.onError?.(error);
  });
  try {
    await client.connect();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RedisUnavailableError(`Redis at ${describeRedisUrl(options.url)} is unavailable: ${reason}`);
  }
  connected = true;
  return client;
}
