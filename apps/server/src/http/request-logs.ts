import type { IncomingMessage } from 'node:http';
import { type Logger, REQUEST_ID_HEADER, requestId } from '@jobstream/logger';

/**
 * One child logger per HTTP request and per WebSocket connection (its upgrade request), carrying the request's id
 * (`reqId`) on every line logged about it. The id is the `X-Request-Id` a trusted proxy sent (the web server's,
 * so one id follows a request through both servers), else a new one.
 */
export class RequestLogs {
  private readonly loggers = new WeakMap<IncomingMessage, Logger>();

  constructor(
    private readonly logger: Logger,
    /** Whether a peer address is a trusted proxy (`TRUST_PROXY`). */
    private readonly trusted: (address: string) => boolean,
  ) {}

  /** Gives `req` its id and logger. */
  open(req: IncomingMessage): { reqId: string; log: Logger } {
    const peer = (req.socket as IncomingMessage['socket'] | null)?.remoteAddress ?? '';
    const reqId = requestId(this.trusted(peer) ? req.headers[REQUEST_ID_HEADER] : undefined);
    const log = this.logger.child({ reqId });
    this.loggers.set(req, log);
    return { reqId, log };
  }

  /** The logger of `req` (the server's own for a request not opened here, or none). */
  of(req: IncomingMessage | undefined): Logger {
    return (req && this.loggers.get(req)) ?? this.logger;
  }
}
