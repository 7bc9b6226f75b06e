import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiContext, type AuthorizeJob, appRouter } from '@jobstream/api';
import { createProgressHub, type ProgressHub } from '@jobstream/progress';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { WebSocket } from 'ws';
import type { Config } from './config';
import { HttpConnectionHandle, WsConnectionHandle } from './connection-handle';
import { clientAddress } from './http/client-address';
import { sessionCookie } from './http/cookies';
import type { IdentifyCaller } from './http/identify';
import { applyCors, originAllowed } from './http/origin';
import { pathOf, sendJson } from './http/respond';
import { createLogger, type Logger } from './logger';
import { renderMetrics } from './metrics';
import type { ConnectionParams } from './native-gate';
import { createServices, type ServerServices } from './services';
import { handleErrorsDownload, handleUpload, isErrorsDownload } from './uploads/upload-routes';
import { createWsTransport } from './ws-transport';

/** What the API server is built from; anything left out gets its default. */
export interface ApiServerOptions {
  config: Config;
  hub?: ProgressHub;
  logger?: Logger;
  /** Host-app rule for who may see a job (default: the session that uploaded it). */
  authorize?: AuthorizeJob;
  /** Host-app identity: who a request or connection is (default: jobstream's anonymous sessions). */
  identify?: IdentifyCaller;
}

/** A running API server. */
export interface ApiServer extends AsyncDisposable {
  /** `http://host:port` it listens on. */
  url: string;
  port: number;
  hub: ProgressHub;
  services: ServerServices;
  /** Stops accepting, ends running imports, tells WebSocket clients to reconnect, lets sends drain, closes. */
  shutdown(): Promise<void>;
  /** Current metrics in Prometheus text format, as `/metrics` serves them. */
  metrics(): string;
  /** Cuts every open connection (WebSocket and HTTP, SSE included) without warning, as a network fault would. */
  dropConnections(): void;
}

const TRPC_PATH = '/trpc';

/** Starts the API server: tRPC over HTTP and WebSocket at `/trpc`, uploads, `/healthz`, `/metrics`. */
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger(config.LOG_LEVEL);
  const hub =
    options.hub ??
    createProgressHub({
      retentionMs: config.JOB_RETENTION_MS,
      maxEvents: config.HISTORY_MAX_EVENTS,
      maxAgeMs: config.HISTORY_MAX_AGE_MS,
    });
  const services = createServices({
    config,
    hub,
    logger,
    authorize: options.authorize,
    identify: options.identify,
  });

  const logProcedureError = ({
    error,
    path,
  }: {
    error: { code: string; message: string };
    path: string | undefined;
  }) => {
    if (error.code === 'INTERNAL_SERVER_ERROR') logger.error('procedure failed', { path, error: error.message });
  };
  const connectionLimits = {
    sendBufferBytes: config.SEND_BUFFER_BYTES,
    maxSubscriptions: config.MAX_SUBSCRIPTIONS_PER_CONNECTION,
  };
  const trpcHttp = createHTTPHandler({
    router: appRouter,
    basePath: `${TRPC_PATH}/`,
    createContext: async ({ req, res, info }): Promise<ApiContext> => ({
      ...services,
      caller: await services.identify(req, info.connectionParams),
      connection: new HttpConnectionHandle(res, connectionLimits),
      setSessionCookie: (token) => res.appendHeader('set-cookie', sessionCookie(token, config.COOKIE_SECURE)),
    }),
    onError: logProcedureError,
    responseMeta: () => ({ headers: new Headers([['vary', 'Origin']]) }),
  });
  const wsContexts = new WeakMap<WebSocket, Promise<ApiContext>>();
  /** One context per WebSocket, shared by tRPC's handler and the native path: one identity lookup, one slot counter. */
  const wsContextOf = (req: IncomingMessage, socket: WebSocket, connectionParams: ConnectionParams) => {
    let context = wsContexts.get(socket);
    if (!context) {
      context = (async () => ({
        ...services,
        caller: await services.identify(req, connectionParams),
        connection: new WsConnectionHandle(socket, connectionLimits),
      }))();
      wsContexts.set(socket, context);
    }
    return context;
  };
  const ws = createWsTransport({
    context: wsContextOf,
    clientAddress: (req) => clientAddress(req, config.TRUST_PROXY),
    onError: logProcedureError,
    pingMs: config.WS_PING_MS,
    pongWaitMs: config.WS_PONG_WAIT_MS,
    limits: {
      maxPayloadBytes: config.WS_MAX_PAYLOAD_BYTES,
      maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
      maxMessagesPerSecond: config.MAX_MESSAGES_PER_SECOND,
    },
  });

  const metrics = () =>
    renderMetrics(hub.registry.metrics(), { wsConnections: ws.wss.clients.size, wsBufferedBytes: ws.bufferedBytes() });

  const route = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/metrics') {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      return res.end(metrics());
    }
    if (path.startsWith(`${TRPC_PATH}/`)) return trpcHttp(req, res);
    if (path === '/uploads' && req.method === 'POST') return handleUpload(req, res, services, config);
    if (isErrorsDownload(path) && req.method === 'GET') return handleErrorsDownload(req, res, path, services);
    sendJson(res, 404, { error: 'Not found' });
  };

  const server = createServer((req, res) => {
    if (!originAllowed(req.headers.origin, config.ALLOWED_ORIGINS)) {
      return sendJson(res, 403, { error: 'Origin not allowed' });
    }
    if (applyCors(req, res)) return;
    route(req, res, pathOf(req)).catch((error: unknown) => {
      logger.error('request failed', { path: pathOf(req), error: String(error) });
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
      else res.destroy();
    });
  });
  server.on('upgrade', (req, socket, head) => {
    if (!originAllowed(req.headers.origin, config.ALLOWED_ORIGINS)) {
      return socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    }
    if (pathOf(req) === TRPC_PATH) return ws.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
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
      await services.imports.close();
      ws.broadcastReconnect();
      await ws.drain(config.SHUTDOWN_DRAIN_MS);
      await ws.close();
      server.closeAllConnections();
      await closed;
      await services.close();
      hub[Symbol.dispose]();
      logger.info('closed');
    })();
    return closing;
  };
  const dropConnections = () => {
    for (const client of ws.wss.clients) client.terminate();
    server.closeAllConnections();
  };
  return { url, port, hub, services, shutdown, dropConnections, metrics, [Symbol.asyncDispose]: shutdown };
}
