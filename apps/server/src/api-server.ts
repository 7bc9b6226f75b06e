import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiContext, appRouter } from '@jobstream/api';
import { createProgressHub, type ProgressHub } from '@jobstream/progress';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { Config } from './config';
import { createLogger, type Logger } from './logger';
import { renderMetrics } from './metrics';
import { createWsTransport } from './ws-transport';

/** What the API server is built from; anything left out gets its default. */
export interface ApiServerOptions {
  config: Config;
  hub?: ProgressHub;
  logger?: Logger;
}

/** A running API server. */
export interface ApiServer extends AsyncDisposable {
  /** `http://host:port` it listens on. */
  url: string;
  port: number;
  hub: ProgressHub;
  /** Stops accepting, tells WebSocket clients to reconnect, lets sends drain, closes. */
  shutdown(): Promise<void>;
}

const TRPC_PATH = '/trpc';

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

function pathOf(req: IncomingMessage): string {
  return new URL(req.url ?? '/', 'http://localhost').pathname;
}

/** Starts the API server: tRPC over HTTP and WebSocket at `/trpc`, `/healthz`, `/metrics`. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const hub = options.hub ?? createProgressHub({ retentionMs: config.JOB_RETENTION_MS });
  const createContext = (): ApiContext => ({ registry: hub.registry });

  const trpcHttp = createHTTPHandler({
    router: appRouter,
    createContext,
    basePath: `${TRPC_PATH}/`,
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('procedure failed', { path, error: error.message });
    },
  });
  const ws = createWsTransport({ createContext, pingMs: config.WS_PING_MS, pongWaitMs: config.WS_PONG_WAIT_MS });

  const server = createServer((req, res) => {
    const path = pathOf(req);
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(renderMetrics(hub.registry.metrics(), { wsConnections: ws.wss.clients.size }));
    }
    if (path.startsWith(`${TRPC_PATH}/`)) return trpcHttp(req, res);
    sendJson(res, 404, { error: 'Not found' });
  });
  server.on('upgrade', (req, socket, head) => {
    if (pathOf(req) === TRPC_PATH) return ws.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  logger.info('listening', { url });

  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= (async () => {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      ws.broadcastReconnect();
      await ws.drain(config.SHUTDOWN_DRAIN_MS);
      await ws.close();
      server.closeAllConnections();
      await closed;
      hub[Symbol.dispose]();
      logger.info('closed');
    })();
    return closing;
  };
  return { url, port, hub, shutdown, [Symbol.asyncDispose]: shutdown };
}
