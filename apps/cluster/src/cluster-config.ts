/** What `pnpm cluster` reads from its environment, at start. */
export interface ClusterConfig {
  /** INSTANCES: API server processes (default 3, 2 to `MAX_INSTANCES`). */
  instances: number;
  /** CLUSTER_PORT: the load balancer's port on 127.0.0.1 (default 3001, the web app's default API_URL; 0 picks one). */
  clusterPort: number;
  /** WEB_PORT: the web app's port on 127.0.0.1 (default 3000; 0 picks one). */
  webPort: number;
  /** DATABASE_URL: a PostgreSQL to use; unset, a throwaway cluster is started from the machine's PostgreSQL. */
  databaseUrl?: string;
  /** REDIS_URL: a Redis to use; unset, a throwaway redis-server is started from the machine's package. */
  redisUrl?: string;
  /** LOG_LEVEL of the instances and the web app (default `warn`: what goes wrong, not every request). */
  logLevel: string;
}

/** Most API instances one command starts: each is a Node process of about 100 MB. */
export const MAX_INSTANCES = 16;

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

function whole(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < min || number > max) {
    throw new Error(`${name} must be a whole number from ${min} to ${max}, got "${value}"`);
  }
  return number;
}

function url(name: string, value: string | undefined, schemes: RegExp, example: string): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!schemes.test(value)) throw new Error(`${name} must look like ${example}`);
  return value;
}

/** Reads INSTANCES, CLUSTER_PORT, WEB_PORT, DATABASE_URL, REDIS_URL and LOG_LEVEL, failing with the variable named. */
export function loadClusterConfig(env: Record<string, string | undefined>): ClusterConfig {
  const logLevel = env.LOG_LEVEL || 'warn';
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const databaseUrl = url(
    'DATABASE_URL',
    env.DATABASE_URL,
    /^postgres(ql)?:\/\//,
    'postgres://user:password@host:port/db',
  );
  const redisUrl = url('REDIS_URL', env.REDIS_URL, /^rediss?:\/\//, 'redis://[user:password@]host:port[/db]');
  return {
    instances: whole('INSTANCES', env.INSTANCES, 3, 2, MAX_INSTANCES),
    clusterPort: whole('CLUSTER_PORT', env.CLUSTER_PORT, 3001, 0, 65_535),
    webPort: whole('WEB_PORT', env.WEB_PORT, 3000, 0, 65_535),
    ...(databaseUrl ? { databaseUrl } : {}),
    ...(redisUrl ? { redisUrl } : {}),
    logLevel,
  };
}

/** A URL for printing: its password, if any, replaced by `***`. */
export function withoutPassword(value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}
