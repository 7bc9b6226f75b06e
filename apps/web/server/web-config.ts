import type { LogFormat, LogLevel } from '@jobstream/logger';

/** What the web server reads from its environment, at run time. */
export interface WebConfig {
  /** Interface to listen on (default 127.0.0.1). */
  host: string;
  /** Port to listen on (default 3000). */
  port: number;
  /** The API server that `/trpc` and `/uploads` are proxied to (default http://127.0.0.1:3001). */
  apiUrl: URL;
  /** Next's development mode, with hot reload. */
  dev: boolean;
  /** LOG_LEVEL (default info). */
  logLevel: LogLevel;
  /** LOG_FORMAT (default `pretty` with `--dev`, else `json`). */
  logFormat: LogFormat;
  /** SHUTDOWN_DRAIN_MS: on SIGTERM, how long requests in flight may take to finish before what is open is cut (default 5000). */
  shutdownDrainMs: number;
}

const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];
const LOG_FORMATS: readonly LogFormat[] = ['json', 'pretty'];

function parsePort(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new Error(`WEB_PORT must be a port number, got "${value}"`);
  return port;
}

function parseMilliseconds(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 0)
    throw new Error(`${name} must be a whole number of milliseconds, got "${value}"`);
  return ms;
}

function parseApiUrl(value: string | undefined): URL {
  const url = new URL(value || 'http://127.0.0.1:3001');
  if (url.protocol !== 'http:') throw new Error(`API_URL must be an http:// URL, got "${value}"`);
  return url;
}

function parseChoice<T extends string>(name: string, value: string | undefined, choices: readonly T[], fallback: T): T {
  if (value === undefined || value === '') return fallback;
  if ((choices as readonly string[]).includes(value)) return value as T;
  throw new Error(`${name} must be one of ${choices.join(', ')}, got "${value}"`);
}

/** Reads WEB_PORT, HOST, API_URL, LOG_LEVEL, LOG_FORMAT and SHUTDOWN_DRAIN_MS; `--dev` selects development mode. */
export function loadWebConfig(env: Record<string, string | undefined>, argv: readonly string[]): WebConfig {
  const dev = argv.includes('--dev');
  return {
    host: env.HOST || '127.0.0.1',
    port: parsePort(env.WEB_PORT, 3000),
    apiUrl: parseApiUrl(env.API_URL),
    dev,
    logLevel: parseChoice('LOG_LEVEL', env.LOG_LEVEL, LOG_LEVELS, 'info'),
    logFormat: parseChoice('LOG_FORMAT', env.LOG_FORMAT, LOG_FORMATS, dev ? 'pretty' : 'json'),
    shutdownDrainMs: parseMilliseconds('SHUTDOWN_DRAIN_MS', env.SHUTDOWN_DRAIN_MS, 5_000),
  };
}
