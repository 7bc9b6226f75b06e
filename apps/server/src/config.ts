import { resolve } from 'node:path';
import { POOL_DEFAULTS } from '@jobstream/storage';
import { z } from 'zod';
import { trustedProxySubnets } from './http/client-address';

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const onOff = z.enum(['1', '0', 'true', 'false']).transform((value) => value === '1' || value === 'true');
const proxies = z.string().transform((value, ctx) => {
  const subnets = trustedProxySubnets(value);
  if (subnets) return subnets;
  ctx.addIssue({
    code: 'custom',
    message: 'expected true, false, or a comma list of loopback, addresses and CIDR subnets',
  });
  return z.NEVER;
});
const origins = z.string().transform((value) =>
  value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
);

/** Every environment variable the server reads, with its default; documented in docs/configuration.md. */
export const ConfigSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(3001),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** `json` lines on stderr, or `pretty` (pino-pretty, a dev dependency) for a person reading a terminal. */
    LOG_FORMAT: z.enum(['json', 'pretty']).default('json'),
    /** Where the database and uploaded files live. */
    DATA_DIR: z.string().default('data'),
    /** PostgreSQL to store in (`postgres://user:password@host:port/database`); unset, the SQLite file is used. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'expected postgres://user:password@host:port/database')
      .optional(),
    /** SQLite file, used when `DATABASE_URL` is unset; default `<DATA_DIR>/jobstream.db`. */
    DATABASE_PATH: z.string().optional(),
    /** PostgreSQL connections the pool opens at most. */
    PG_POOL_MAX: positive.default(POOL_DEFAULTS.max),
    /** Callers that may wait for a PostgreSQL connection while all are busy; past it a request gets 503 at once. */
    PG_POOL_MAX_WAITING: z.coerce.number().int().nonnegative().default(POOL_DEFAULTS.maxWaiting),
    /** How long a caller waits for a PostgreSQL connection, in ms, before it gets 503. */
    PG_POOL_TIMEOUT_MS: positive.default(POOL_DEFAULTS.timeoutMs),
    /**
     * Redis shared by several instances (`redis://[user:password@]host:port[/db]`): the event log, import claims and
     * the rate limits live there. Needs `DATABASE_URL`; unset, everything stays in this process.
     */
    REDIS_URL: z
      .string()
      .regex(/^rediss?:\/\//, 'expected redis://[user:password@]host:port[/db]')
      .optional(),
    /** Prefix of every Redis key and channel, to share a Redis with other applications or deployments. */
    REDIS_PREFIX: z.string().min(1).default('jobstream:'),
    /**
     * With `REDIS_URL`: how long an import's claim outlives its last renewal (renewed every third of it); an import
     * whose instance died ends failed within about 2.5 times this.
     */
    IMPORT_LEASE_MS: positive.min(300).default(10_000),
    /** Browser origins allowed to call the API and open WebSockets; `*` allows all. */
    ALLOWED_ORIGINS: origins.default(['http://localhost:3000', 'http://127.0.0.1:3000']),
    /** Mark the session cookie `Secure` (set behind HTTPS). */
    COOKIE_SECURE: flag.default(false),
    /** Largest upload body, in bytes (413 above). */
    MAX_UPLOAD_BYTES: positive.default(50 * 1024 * 1024),
    /** Most data rows in one file. */
    MAX_ROWS: positive.default(1_000_000),
    /** Most columns in one row of an upload, checked before parsing (400 above). */
    MAX_COLUMNS: positive.default(1_000),
    /** Imports one session may have at once, counting uploads still being received (429 above). */
    MAX_RUNNING_IMPORTS: positive.default(3),
    /** Upload bodies one client address may be sending at once (429 above). */
    MAX_UPLOADS_PER_ADDRESS: positive.default(10),
    /** Bytes all spooled uploads may take on disk, from their first byte until their import ends (507 above). */
    MAX_SPOOL_BYTES: positive.default(1024 * 1024 * 1024),
    /** Least time between two progress events of one import, in ms. */
    PROGRESS_INTERVAL_MS: z.coerce.number().int().nonnegative().default(100),
    /** Most rows per second each import reads, to spare the database; 0 for no limit. */
    IMPORT_ROWS_PER_SECOND: z.coerce.number().int().nonnegative().default(0),
    /** Peers whose `X-Forwarded-For` names the client (`loopback` behind the web app's proxy); as trusted subnets. */
    TRUST_PROXY: proxies.default([]),
    /** Largest tRPC HTTP request body, in bytes (413 PAYLOAD_TOO_LARGE above). */
    MAX_TRPC_BODY_BYTES: positive.default(1024 * 1024),
    /** Most calls in one tRPC HTTP batch (400 BAD_REQUEST above). */
    MAX_BATCH_SIZE: positive.default(20),
    /** HTTP requests (tRPC calls, uploads, downloads) per client address per second, in bursts of as many (429 above). */
    MAX_HTTP_REQUESTS_PER_SECOND: positive.default(200),
    /** Sessions one client address may create per minute, in bursts of as many (TOO_MANY_REQUESTS above). */
    MAX_SESSIONS_PER_MINUTE: positive.default(30),
    /** Largest WebSocket message a client may send, in bytes (closed with 1009 above). */
    WS_MAX_PAYLOAD_BYTES: positive.default(64 * 1024),
    /** Open WebSocket connections per client address (429 above), and separately open SSE streams (TOO_MANY_REQUESTS). */
    MAX_CONNECTIONS_PER_ADDRESS: positive.default(50),
    /** Messages a WebSocket connection may send per second (closed with 1008 above). */
    MAX_MESSAGES_PER_SECOND: positive.default(50),
    /** Subscriptions one connection may hold (TOO_MANY_REQUESTS above). */
    MAX_SUBSCRIPTIONS_PER_CONNECTION: positive.default(100),
    /** Bytes queued for one WebSocket connection before its subscriptions wait and conflate (SSE waits at Node's 16 KiB). */
    SEND_BUFFER_BYTES: positive.default(64 * 1024),
    /** Keep-alive: a PING after this long with nothing sent or read by the peer (below 60 s proxy idle limits). */
    WS_PING_MS: positive.default(30_000),
    /** How long after that PING a peer that still neither answers nor takes any of its data is dropped. */
    WS_PONG_WAIT_MS: positive.default(5_000),
    /** Events kept per job for resume. */
    HISTORY_MAX_EVENTS: positive.default(256),
    /** Oldest event kept per job for resume, in ms. */
    HISTORY_MAX_AGE_MS: positive.default(5 * 60_000),
    /** How long an ended job stays in memory for late subscribers. */
    JOB_RETENTION_MS: z.coerce
      .number()
      .int()
      .nonnegative()
      .default(10 * 60_000),
    /** Age in days past which ended jobs (with their rejected rows), unused sessions and stale spooled uploads are removed; 0 keeps them. */
    JOB_RETENTION_DAYS: z.coerce.number().nonnegative().default(30),
    /** Time between retention sweeps, in ms; the first runs at start. */
    RETENTION_SWEEP_MS: positive.default(60 * 60_000),
    /** Where `/metrics` is served off the public port: its own listener's interface (with `METRICS_PORT`). */
    METRICS_HOST: z.string().default('127.0.0.1'),
    /** Port of `/metrics`'s own listener (0 picks a free one); unset serves `/metrics` on the public port. */
    METRICS_PORT: port.optional(),
    /** When set, `/metrics` answers 401 unless the request carries `Authorization: Bearer <METRICS_TOKEN>`. */
    METRICS_TOKEN: z.string().min(16, 'use at least 16 characters').optional(),
    /** On SIGTERM, how long `/readyz` answers 503 while the server still accepts, before it stops listening and drains. */
    SHUTDOWN_DELAY_MS: z.coerce.number().int().nonnegative().default(0),
    /** On SIGTERM, how long to wait for WebSocket clients to leave, then for open streams to take the jobs' final events. */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().nonnegative().default(5_000),
    /** Serve the old upload gateway's Socket.IO protocol at `/socket.io/` (namespace `/file-upload`); `0` turns it off. */
    SOCKETIO_COMPAT: onOff.default(true),
  })
  .refine((config) => !config.REDIS_URL || config.DATABASE_URL, {
    message: 'REDIS_URL needs DATABASE_URL: instances that share events must share the store',
    path: ['REDIS_URL'],
  })
  .transform((config) => {
    const dataDir = resolve(config.DATA_DIR);
    return { ...config, DATA_DIR: dataDir, DATABASE_PATH: config.DATABASE_PATH ?? resolve(dataDir, 'jobstream.db') };
  });

/** The server's configuration. */
export type Config = z.infer<typeof ConfigSchema>;

/** Reads the configuration from an environment, failing with every invalid variable named. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (result.success) return result.data;
  const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
  throw new Error(`Invalid configuration: ${problems}`);
}
