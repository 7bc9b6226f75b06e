import { resolve } from 'node:path';
import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);
const positive = z.coerce.number().int().positive();
const flag = z.enum(['true', 'false']).transform((value) => value === 'true');
const origins = z.string().transform((value) =>
  value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean),
);

/** Every environment variable the server reads, with its default; documented in the README. */
export const ConfigSchema = z
  .object({
    HOST: z.string().default('127.0.0.1'),
    PORT: port.default(3001),
    LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
    /** Where the database and uploaded files live. */
    DATA_DIR: z.string().default('data'),
    /** SQLite file; default `<DATA_DIR>/jobstream.db`. */
    DATABASE_PATH: z.string().optional(),
    /** Browser origins allowed to call the API and open WebSockets; `*` allows all. */
    ALLOWED_ORIGINS: origins.default(['http://localhost:3000', 'http://127.0.0.1:3000']),
    /** Mark the session cookie `Secure` (set behind HTTPS). */
    COOKIE_SECURE: flag.default(false),
    /** Largest upload body, in bytes (413 above). */
    MAX_UPLOAD_BYTES: positive.default(50 * 1024 * 1024),
    /** Most data rows in one file. */
    MAX_ROWS: positive.default(1_000_000),
    /** Imports one session may run at once (429 above). */
    MAX_RUNNING_IMPORTS: positive.default(3),
    /** Least time between two progress events of one import, in ms. */
    PROGRESS_INTERVAL_MS: z.coerce.number().int().nonnegative().default(100),
    /** Trust `X-Forwarded-For` for the client address (set behind a proxy such as the web app's). */
    TRUST_PROXY: flag.default(false),
    /** Largest WebSocket message a client may send, in bytes (closed with 1009 above). */
    WS_MAX_PAYLOAD_BYTES: positive.default(64 * 1024),
    /** Open WebSocket connections per client address (429 above). */
    MAX_CONNECTIONS_PER_ADDRESS: positive.default(50),
    /** Messages a WebSocket connection may send per second (closed with 1008 above). */
    MAX_MESSAGES_PER_SECOND: positive.default(50),
    /** Subscriptions one connection may hold (TOO_MANY_REQUESTS above). */
    MAX_SUBSCRIPTIONS_PER_CONNECTION: positive.default(100),
    /** Bytes queued for one connection before its subscriptions wait and conflate. */
    SEND_BUFFER_BYTES: positive.default(64 * 1024),
    /** WebSocket keep-alive ping interval, below common proxy idle limits (60 s). */
    WS_PING_MS: positive.default(30_000),
    /** How long to wait for a pong before dropping the connection. */
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
    /** How long graceful shutdown waits for sends to drain. */
    SHUTDOWN_DRAIN_MS: z.coerce.number().int().nonnegative().default(5_000),
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
