import { accessSync, constants, existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { type RedisServer, startRedisServer } from '@jobstream/redis/testing';
import { type PostgresCluster, startPostgresCluster } from '@jobstream/storage/testing';
import { withoutPassword } from './cluster-config';

/** A backing service as the cluster's summary shows it. */
export interface BackingService {
  /** Its URL, password hidden. */
  shown: string;
  /** The server's process id when this command started it. */
  pid?: number;
  /** Where it keeps its data when this command started it. */
  folder?: string;
}

/** PostgreSQL and Redis, each given by URL or started here from the machine's packages. */
export interface BackingServices {
  databaseUrl: string;
  redisUrl: string;
  postgres: BackingService;
  redis: BackingService;
  /** Stops what was started here (and removes its folder); what was given by URL is left alone. */
  stop(): Promise<void>;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `redis-server` as `startRedisServer` runs it (`REDIS_SERVER`, else on PATH), or undefined. */
function findRedisServer(): string | undefined {
  if (process.env.REDIS_SERVER) return isExecutable(process.env.REDIS_SERVER) ? process.env.REDIS_SERVER : undefined;
  const dirs = (process.env.PATH ?? '').split(delimiter).filter(Boolean);
  return dirs.map((dir) => join(dir, 'redis-server')).find(isExecutable);
}

/** PostgreSQL's `initdb` as `startPostgresCluster` runs it (`POSTGRES_BIN`, else Debian's layout), or undefined. */
function findInitdb(): string | undefined {
  const candidates = process.env.POSTGRES_BIN
    ? [process.env.POSTGRES_BIN]
    : existsSync('/usr/lib/postgresql')
      ? readdirSync('/usr/lib/postgresql').map((version) => join('/usr/lib/postgresql', version, 'bin'))
      : [];
  return candidates.map((dir) => join(dir, 'initdb')).find(isExecutable);
}

/**
 * Throws one line naming the Debian package of each service this command would start but cannot: before anything
 * starts, so a missing package leaves nothing behind.
 */
export function assertInstalled(options: { databaseUrl?: string; redisUrl?: string }): void {
  const missing: string[] = [];
  if (!options.databaseUrl && !findInitdb()) {
    missing.push('PostgreSQL is not installed (apt-get install -y postgresql, or set DATABASE_URL)');
  }
  if (!options.redisUrl && !findRedisServer()) {
    missing.push('redis-server is not installed (apt-get install -y redis-server, or set REDIS_URL)');
  }
  if (missing.length > 0) throw new Error(missing.join('; '));
}

/**
 * Starts a throwaway PostgreSQL cluster (`startPostgresCluster`: initdb in a temporary folder, a free port) unless
 * `databaseUrl` is given, and a throwaway `redis-server` (`startRedisServer`: no persistence, a free port) unless
 * `redisUrl` is; both at once. If either fails, the other is stopped before the error is thrown.
 */
export async function startBackingServices(options: {
  databaseUrl?: string;
  redisUrl?: string;
}): Promise<BackingServices> {
  assertInstalled(options);
  const [postgres, redis] = await Promise.allSettled([
    options.databaseUrl ? undefined : startPostgresCluster(),
    options.redisUrl ? undefined : startRedisServer(),
  ]);
  const started: { postgres?: PostgresCluster; redis?: RedisServer } = {};
  if (postgres.status === 'fulfilled' && postgres.value) started.postgres = postgres.value;
  if (redis.status === 'fulfilled' && redis.value) started.redis = redis.value;
  const stop = async () => {
    await Promise.allSettled([started.postgres?.stop(), started.redis?.stop()]);
  };
  if (postgres.status === 'rejected' || redis.status === 'rejected') {
    await stop();
    const reasons = [postgres, redis].flatMap((result) => (result.status === 'rejected' ? [result.reason] : []));
    throw new Error(reasons.map((reason) => (reason instanceof Error ? reason.message : String(reason))).join('; '));
  }
  const databaseUrl = options.databaseUrl ?? (started.postgres?.url as string);
  const redisUrl = options.redisUrl ?? (started.redis?.url as string);
  return {
    databaseUrl,
    redisUrl,
    postgres: started.postgres
      ? { shown: databaseUrl, pid: started.postgres.process.pid, folder: started.postgres.folder }
      : { shown: withoutPassword(databaseUrl) },
    redis: started.redis ? { shown: redisUrl, pid: started.redis.process.pid } : { shown: withoutPassword(redisUrl) },
    stop,
  };
}
