import type { IncomingMessage } from 'node:http';
import { type Logger, REQUEST_ID_HEADER, requestId } from '@jobstream/logger';

/**
 * One child logger per HTTP request and per WebSocket connection (its upgrade request), carrying the request's id
 * (`reqId`) on every line logged about it. The id is the `X-Request-Id` a trusted proxy sent (the web server's,
 * so one id follows a request through both servers), else a new one. The child logger is made when something is
 * first logged about the request: most connections log nothing at the default level, and a child kept for each
 * open WebSocket would cost about 300 bytes apiece.
 */
export class RequestLogs {
  private readonly ids = new WeakMap<IncomingMessage, string>();
  private readonly loggers = new WeakMap<IncomingMessage, Logger>();

  constructor(
    private readonly logger: Logger,
    /** Whether a peer address is a trusted proxy (`TRUST_PROXY`). */
    private readonly trusted: (address: string) => boolean,
  ) {}

  /** Gives `req` its id, and returns it. */
  open(req: IncomingMessage): string {
    const peer = (req.socket as IncomingMessage['socket'] | null)?.remoteAddress ?? '';
    const reqId = requestId(this.trusted(peer) ? req.headers[REQUEST_ID_HEADER] : undefined);
    this.ids.set(req, reqId);
    return reqId;
  }

  /** Whether lines at `level` are written at all: callers skip what they would log (and its listeners) otherwise. */
  enabled(level: 'debug'): boolean {
    return this.logger.isLevelEnabled(level);
  }

  /** The logger of `req`, carrying its id (the server's own for a request not opened here, or none). */
  of(req: IncomingMessage | undefined): Logger {
    const reqId = req && this.ids.get(req);
    if (!req || reqId === undefined) return this.logger;
    let log = this.loggers.get(req);
    if (!log) {
      log = this.logger.child({ reqId });
      this.loggers.set(req, log);
    }
    return log;
  }
}
