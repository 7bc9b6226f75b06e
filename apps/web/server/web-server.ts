import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { type Logger, REQUEST_ID_HEADER, requestId } from '@jobstream/logger';
import { isApiPath, isApiUpgradePath, pathnameOf } from './api-routes';
import { ConnectionDrain } from './drain';
import { proxyHttp } from './proxy-http';
import { proxyUpgrade } from './proxy-upgrade';
import type { WebConfig } from './web-config';

/** What serves everything that is not the API: Next's request and upgrade handlers. */
export interface PageHandlers {
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
}

/** What the web server is built from. */
export interface WebServerOptions {
  config: WebConfig;
  logger: Logger;
  pages: PageHandlers;
}

/** A running web server. */
export interface WebServer {
  /** `http://host:port` it listens on. */
  url: string;
  port: number;
  /**
   * Stops accepting and lets the requests in flight finish, then closes; bounded by `SHUTDOWN_DRAIN_MS`, after which
   * what is still open (streams, WebSocket tunnels) is cut. Idempotent.
   */
  shutdown(): Promise<void>;
}

/**
 * The web app's one origin: `/trpc` (HTTP and WebSocket) and `/uploads` proxied to the API server, every other
 * request and upgrade (`/_next/hmr` in development) to `pages`. Each request and upgrade gets a new id: its log
 * lines carry it (`reqId`), the API server receives it as X-Request-Id, and a page's response returns it.
 */
export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const { config, logger, pages } = options;
  const server = createServer((req, res) => {
    drain.request(res);
    const reqId = requestId();
    const log = logger.child({ reqId });
    const path = pathnameOf(req.url);
    res.once('finish', () => log.debug({ method: req.method, path, status: res.statusCode }, 'request'));
    if (isApiPath(path)) {
      proxyHttp(config.apiUrl, req, res, { requestId: reqId, log });
      return;
    }
    res.setHeader(REQUEST_ID_HEADER, reqId);
    pages.handle(req, res).catch((error: unknown) => {
      log.error({ path, err: error }, 'request failed');
      if (!res.headersSent) res.writeHead(500).end('Internal Server Error');
    });
  });

  const drain = new ConnectionDrain(server);

  server.on('upgrade', (req, socket, head) => {
    const reqId = requestId();
    const log = logger.child({ reqId });
    const path = pathnameOf(req.url);
    log.debug({ path }, 'upgrade');
    drain.tunnel(socket);
    socket.once('close', () => log.debug('connection closed'));
    if (isApiUpgradePath(path)) {
      proxyUpgrade(config.apiUrl, req, socket, head, { requestId: reqId, log });
      return;
    }
    pages.upgrade(req, socket, head).catch(() => socket.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= drain.drain(config.shutdownDrainMs).then(() => logger.info('closed'));
    return closing;
  };
  return { url: `http://${config.host}:${port}`, port, shutdown };
}
