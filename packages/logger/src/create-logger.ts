import { createRequire } from 'node:module';
import { type DestinationStream, type Logger, pino } from 'pino';
import { redactFields } from './redact';

/** Severity threshold of a logger; `silent` writes nothing. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** `json`: one JSON object per line (production); `pretty`: pino-pretty's coloured lines, for a person (development). */
export type LogFormat = 'json' | 'pretty';

/** What a logger is built from. */
export interface LoggerOptions {
  level: LogLevel;
  /** Default `json`. `pretty` loads pino-pretty, a dev dependency, and fails where it is not installed. */
  format?: LogFormat;
  /** Where `json` lines go (default: stderr, written synchronously so that none is lost at exit). */
  destination?: DestinationStream;
}

export type { Logger } from 'pino';

/** pino-pretty writing to stderr; required at run time only when asked for, so production never needs it. */
function prettyStream(): DestinationStream {
  let pretty: (options: Record<string, unknown>) => DestinationStream;
  try {
    pretty = createRequire(import.meta.url)('pino-pretty');
  } catch {
    throw new Error('LOG_FORMAT=pretty needs pino-pretty, a dev dependency: install it, or use LOG_FORMAT=json');
  }
  return pretty({
    destination: 2,
    sync: true,
    colorize: process.stderr.isTTY,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname',
  });
}

/**
 * A pino logger: levels by name (`"level":"info"`), ISO times, `msg` for the message, and every line's fields and
 * child bindings passed through `redactFields`, so no caller can write a token, a cookie, an authorization header,
 * connection params or a query string.
 */
export function createLogger(options: LoggerOptions): Logger {
  const destination =
    options.destination ?? (options.format === 'pretty' ? prettyStream() : pino.destination({ dest: 2, sync: true }));
  const logger = pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: {
        level: (label) => ({ level: label }),
        bindings: (bindings) => redactFields(bindings),
        log: (fields) => redactFields(fields),
      },
    },
    destination,
  );
  // pino applies `formatters.bindings` to the root's bindings only; a child's (a request logger's `url`, say) are
  // redacted here. Children inherit this `child` from the root, so grandchildren are too.
  const child = logger.child;
  logger.child = function redactedChild(this: Logger, bindings, childOptions) {
    return child.call(this, redactFields(bindings), childOptions);
  } as Logger['child'];
  return logger;
}
