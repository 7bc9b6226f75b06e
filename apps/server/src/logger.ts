/** Severity of a log line. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** Structured, leveled logging, one JSON line per entry. */
export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

/** Field names whose values are credentials, at any depth: always written as `[redacted]`. */
const SECRET_FIELD = /token|authorization|cookie|connectionparams|password|secret/i;
/** Fields holding a URL or path: written without their query string, where tokens could travel. */
const URL_FIELD = /^(url|path)$/i;

function scrub(key: string, value: unknown): unknown {
  if (SECRET_FIELD.test(key)) return '[redacted]';
  if (typeof value === 'string' && URL_FIELD.test(key)) return value.split('?')[0];
  return value;
}

/** A logger writing JSON lines to `write` (default stderr) at or above `level`; credential fields are redacted. */
export function createLogger(
  level: LogLevel,
  write: (line: string) => void = (line) => process.stderr.write(line),
): Logger {
  const at =
    (name: Exclude<LogLevel, 'silent'>) =>
    (msg: string, fields: Record<string, unknown> = {}) => {
      if (RANK[name] < RANK[level]) return;
      write(`${JSON.stringify({ time: new Date().toISOString(), level: name, msg, ...fields }, scrub)}\n`);
    };
  return { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}
