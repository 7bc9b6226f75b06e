import { randomUUID } from 'node:crypto';
import type { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway `redis-server`'s URL; each test keeps to a key prefix of its own. */
    redisUrl: string;
    /** Where a project's servers keep their event log: `redis` on the run's `redisUrl` (unset: in memory). */
    logKind: 'memory' | 'redis';
  }
}

/**
 * The server settings that put a test server's event log on the run's redis-server, under a key prefix of its own,
 * in a project that provides `logKind: 'redis'` (with `vitest-redis` as a global setup); none elsewhere. Given
 * vitest's `inject`, so that this module needs no vitest at run time.
 */
export function projectRedisEnv(provided: typeof inject): { REDIS_URL?: string; REDIS_PREFIX?: string } {
  if (provided('logKind') !== 'redis') return {};
  return { REDIS_URL: provided('redisUrl'), REDIS_PREFIX: `test-${randomUUID()}:` };
}
