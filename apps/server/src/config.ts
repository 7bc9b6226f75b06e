import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65535);

/** Every environment variable the server reads, with its default. */
export const ConfigSchema = z.object({
  HOST: z.string().default('127.0.0.1'),
  PORT: port.default(3001),
  LOG_LEVEL: z.enum(['debug', 'info', 'warn', 'error', 'silent']).default('info'),
  /** WebSocket keep-alive ping interval, below common proxy idle limits (60 s). */
  WS_PING_MS: z.coerce.number().int().positive().default(30_000),
  /** How long to wait for a pong before dropping the connection. */
  WS_PONG_WAIT_MS: z.coerce.number().int().positive().default(5_000),
  /** How long an ended job stays in memory for late subscribers. */
  JOB_RETENTION_MS: z.coerce
    .number()
    .int()
    .nonnegative()
    .default(10 * 60_000),
  /** How long graceful shutdown waits for sends to drain. */
  SHUTDOWN_DRAIN_MS: z.coerce.number().int().nonnegative().default(5_000),
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
