import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type ApiContext, type AppRouter, appRouter, createApiContext, rethrowStoreOutage } from '@jobstream/api';
import { CoordinatorUnavailableError, type ImportTemplate } from '@jobstream/importer';
import { createLogger, type Logger, REQUEST_ID_HEADER } from '@jobstream/logger';
import { createProgressHub, EventLogUnavailableError, type ProgressHub } from '@jobstream/progress';
import { StoreBusyError, StoreUnavailableError } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import { AddressLimiter } from './address-limiter';
import { connectCluster } from './cluster';
import type { Config } from './config';
import { HttpConnectionHandle, WsConnectionHandle } from './connection-handle';
import { AddressRate } from './http/address-rate';
import { resolveAuth, type ServerAuth } from './http/auth';
import { clientAddress, proxyTrust } from './http/client-address';
import { sessionCookie } from './http/cookies';
import { applyCors, originAllowed } from './http/origin';
import type { RateLimit } from './http/rate-limit';
import { RequestLogs } from './http/request-logs';
import { pathOf, rejectRequest, sendJson } from './http/respond';
import { METRICS_PATH, type MetricsListener, metricsHandler, startMetricsListener } from './metrics/metrics-endpoint';
import { ServerMetrics, type TransportMetrics } from './metrics/server-metrics';
import { createServices, type ServerServices } from './services';
import { createSocketIoTransport, SOCKETIO_PATH, type SocketIoTransport } from './socketio/socketio-transport';
import { UploadAdmission } from './uploads/upload-admission';
import { handleErrorsDownload, handleUpload, isErrorsDownload } from './uploads/upload-routes';
import { createWsTransport, isProtocolError, type ProcedureError } from './ws/ws-transport';

/** What the API server is built from; anything left out gets its default. */
export interface ApiServerOptions {
  config: Config;
  hub?: ProgressHub;
  logger?: Logger;
  /** The host app's auth: who is calling, who may see a job, who may upload (default: anonymous sessions, owner only). */
  auth?: ServerAuth;
  /** The templates uploads may name (default `builtInTemplates`); add one with `[...builtInTemplates, yours]`. */
  templates?: readonly ImportTemplate[];
  /** The API as served (default `appRouter`); `createAppRouter(publicProcedure.use(…))` adds middleware to every procedure. */
  router?: AppRouter;
  /** Adds `testing` (fault injection) to the server; for tests only. */
  testing?: boolean;
}

export type { ServerAuth } from './http/auth';

/** A running API server. */
export interface ApiServer extends AsyncDisposable {
  /** `http://host:port` it listens on. */
  url: string;
  port: number;
  hub: ProgressHub;
  services: ServerServices;
  /**
   * Answers 503 on `/readyz` at once and keeps serving for `SHUTDOWN_DELAY_MS`, then stops accepting, tells WebSocket
   * clients to reconnect and lets them leave, ends running imports, closes. Idempotent.
   */
  shutdown(): Promise<void>;
  /** Where `/metrics` is served: on the public port, or on its own listener when `METRICS_PORT` is set. */
  metricsUrl: string;
  /** Current metrics in Prometheus text format, as `/metrics` serves them. */
  metrics(): Promise<string>;
}

/** Fault injection, on a server started with `testing: true` only. */
export interface ServerTestHooks {
  /** Cuts every open connection (WebSocket and HTTP, SSE included) without warning, as a network fault would. */
  dropConnections(): void;
}

/** A server started with `testing: true`. */
export interface TestableApiServer extends ApiServer {
  testing: ServerTestHooks;
}

const TRPC_PATH = '/trpc';

/** How many calls a tRPC HTTP request makes: the comma-separated paths of a batch (`?batch=1`), else one. */
function trpcCallCount(req: IncomingMessage, path: string): number {
  if (new URL(req.url ?? '/', 'http://localhost').searchParams.get('batch') !== '1') return 1;
  try {
    return decodeURIComponent(path.slice(TRPC_PATH.length + 1)).split(',').length;
  } catch {
    return 1;
  }
}

/** What a client is told when a request failed because the store or the event log could not be reached; else undefined. */
function outageMessage(error: unknown): string | undefined {
  if (error instanceof StoreUnavailableError || error instanceof StoreBusyError) {
    return 'The database is unavailable: try again shortly';
  }
  if (error instanceof EventLogUnavailableError) return 'Progress is unavailable: try again shortly';
  if (error instanceof CoordinatorUnavailableError) return 'Imports are unavailable: try again shortly';
  return undefined;
}

function tooManyRequests(message: string): TRPCError {
  return new TRPCError({ code: 'TOO_MANY_REQUESTS', message });
}

/**
 * Starts the API server: tRPC over HTTP and WebSocket at `/trpc`, uploads, `/healthz`, `/readyz`, `/metrics`, and
 * (unless `SOCKETIO_COMPAT=0`) the old upload gateway's Socket.IO protocol at `/socket.io/`.
 */
export function startApiServer(options: ApiServerOptions & { testing: true }): Promise<TestableApiServer>;
export function startApiServer(options: ApiServerOptions): Promise<ApiServer>;
export async function startApiServer(options: ApiServerOptions): Promise<ApiServer | TestableApiServer> {
  const { config } = options;
  const logger = options.logger ?? createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
  const { REDIS_URL } = config;
  // With REDIS_URL, this instance is one of several: events, import claims and rates are shared through Redis.
  const cluster = REDIS_URL ? await connectCluster({ ...config, REDIS_URL }, logger) : undefined;
  const hub =
    options.hub ??
    createProgressHub({
      ...(cluster ? { log: cluster.log } : {}),
      retentionMs: config.JOB_RETENTION_MS,
      maxEvents: config.HISTORY_MAX_EVENTS,
      maxAgeMs: config.HISTORY_MAX_AGE_MS,
    });
  const router = options.router ?? appRouter;
  const auth = resolveAuth(options.auth);
  const services = await createServices({
    config,
    hub,
    logger,
    ...(cluster ? { cluster } : {}),
    authorize: auth.authorize,
    identify: auth.identify,
    ...(options.templates ? { templates: options.templates } : {}),
  }).catch(async (error: unknown) => {
    hub[Symbol.dispose]();
    await cluster?.close();
    throw error;
  });
  const trusted = proxyTrust(config.TRUST_PROXY);
  const addressOf = (req: IncomingMessage) => clientAddress(req, trusted);
  const requestLogs = new RequestLogs(logger, trusted);
  const requestRate: RateLimit =
    cluster?.requestRate ?? new AddressRate(config.MAX_HTTP_REQUESTS_PER_SECOND, config.MAX_HTTP_REQUESTS_PER_SECOND);
  const sessionRate: RateLimit =
    cluster?.sessionRate ?? new AddressRate(config.MAX_SESSIONS_PER_MINUTE / 60, config.MAX_SESSIONS_PER_MINUTE);
  const streams = new AddressLimiter(config.MAX_CONNECTIONS_PER_ADDRESS);
  /** tRPC requests over the per-address rate, with the seconds to wait: their context refuses every call. */
  const throttled = new WeakMap<IncomingMessage, number>();
  /** Takes one of the address's SSE stream slots for as long as the response is open. */
  const holdStream = (address: string, res: ServerResponse) => {
    if (!streams.acquire(address)) {
      throw tooManyRequests(`At most ${config.MAX_CONNECTIONS_PER_ADDRESS} event streams per client address`);
    }
    if (res.closed) streams.release(address);
    else res.once('close', () => streams.release(address));
  };
  /** Charges `calls` to the request's address: 0 when it may run, else the seconds to wait (also set as Retry-After). */
  const admitRequest = async (req: IncomingMessage, res: ServerResponse, calls: number): Promise<number> => {
    const wait = await requestRate.take(addressOf(req), calls);
    if (wait > 0) res.setHeader('retry-after', String(wait));
    return wait;
  };

  const logProcedureError = ({ error, path, req }: ProcedureError) => {
    const log = requestLogs.of(req);
    const address = req && addressOf(req);
    const { cause } = error;
    if (isProtocolError(cause)) {
      log.warn({ address, error: cause.message }, 'client protocol error');
    } else if (error.code === 'SERVICE_UNAVAILABLE') {
      log.warn({ path, address, err: cause }, 'procedure refused: the store is unavailable');
    } else if (error.code === 'INTERNAL_SERVER_ERROR') {
      log.error({ path, address, error: error.message, err: cause }, 'procedure failed');
    } else {
      log.debug({ path, address, code: error.code, error: error.message }, 'client error');
    }
  };
  /** The caller of a tRPC request or connection; SERVICE_UNAVAILABLE while the store cannot say. */
  const identifyCaller = (req: IncomingMessage, params?: Record<string, string | undefined> | null) =>
    Promise.resolve(services.identify(req, params)).catch(rethrowStoreOutage);
  const connectionLimits = {
    sendBufferBytes: config.SEND_BUFFER_BYTES,
    maxSubscriptions: config.MAX_SUBSCRIPTIONS_PER_CONNECTION,
  };
  // Its gauges are read at each scrape, from the transports and the upload admission made below.
  const metrics: ServerMetrics = new ServerMetrics({
    progress: () => hub.metrics(),
    transport: (): TransportMetrics => ({
      wsConnections: ws.wss.clients.size,
      wsBufferedBytes: ws.bufferedBytes(),
      uploadsReceiving: admission.receiving,
      spoolBytes: admission.spooledBytes,
      socketioConnections: socketIo?.connections() ?? 0,
      socketioQueuedBytes: socketIo?.queuedBytes() ?? 0,
      redisSubscriptions: cluster?.log.subscriptions ?? 0,
    }),
  });
  const serveMetrics = metricsHandler(metrics, config.METRICS_TOKEN);
  const trpcHttp = createHTTPHandler({
    router,
    basePath: `${TRPC_PATH}/`,
    maxBodySize: config.MAX_TRPC_BODY_BYTES,
    maxBatchSize: config.MAX_BATCH_SIZE,
    createContext: async ({ req, res, info }): Promise<ApiContext> => {
      const wait = throttled.get(req);
      if (wait !== undefined) throw tooManyRequests(`Too many requests from this address: retry in ${wait} s`);
      const address = addressOf(req);
      if (info.type === 'subscription') holdStream(address, res);
      return createApiContext(services, {
        caller: await identifyCaller(req, info.connectionParams),
        connection: new HttpConnectionHandle(res, connectionLimits, metrics.emitLatency),
        setSessionCookie: (token) => res.appendHeader('set-cookie', sessionCookie(token, config.COOKIE_SECURE)),
        admitSession: async () => {
          const retryAfter = await sessionRate.take(address);
          if (retryAfter > 0) res.setHeader('retry-after', String(retryAfter));
          return retryAfter;
        },
      });
    },
    onError: logProcedureError,
    responseMeta: () => ({ headers: new Headers([['vary', 'Origin']]) }),
  });
  const ws = createWsTransport({
    router,
    context: async (req, writer, connectionParams) =>
      createApiContext(services, {
        caller: await identifyCaller(req, connectionParams),
        connection: new WsConnectionHandle(writer, connectionLimits, metrics.emitLatency),
        admitSession: async () => sessionRate.take(addressOf(req)),
      }),
    clientAddress: addressOf,
    onError: logProcedureError,
    pingMs: config.WS_PING_MS,
    pongWaitMs: config.WS_PONG_WAIT_MS,
    limits: {
      maxPayloadBytes: config.WS_MAX_PAYLOAD_BYTES,
      maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
      maxMessagesPerSecond: config.MAX_MESSAGES_PER_SECOND,
    },
  });

  const socketIo: SocketIoTransport | undefined = config.SOCKETIO_COMPAT
    ? createSocketIoTransport({
        services,
        clientAddress: addressOf,
        admitRequest: (req, res) => admitRequest(req, res, 1),
        connection: connectionLimits,
        latency: metrics.emitLatency,
        limits: {
          maxPayloadBytes: config.WS_MAX_PAYLOAD_BYTES,
          maxConnectionsPerAddress: config.MAX_CONNECTIONS_PER_ADDRESS,
          maxMessagesPerSecond: config.MAX_MESSAGES_PER_SECOND,
        },
        onError: logProcedureError,
      })
    : undefined;

  const admission = new UploadAdmission({
    maxPerAddress: config.MAX_UPLOADS_PER_ADDRESS,
    maxSpoolBytes: config.MAX_SPOOL_BYTES,
  });
  /** `POST /uploads`, after `auth.canUpload` (if any) agrees; the caller is identified once for both. */
  const uploadIfAllowed = async (req: IncomingMessage, res: ServerResponse) => {
    const context = { services, config, admission, metrics, address: addressOf(req) };
    const { canUpload } = auth;
    if (!canUpload) return handleUpload(req, res, context);
    const identified = Promise.resolve(services.identify(req));
    const caller = await identified;
    if (caller.sessionId !== null && !(await canUpload(caller))) {
      return rejectRequest(req, res, 403, 'Not allowed to upload');
    }
    return handleUpload(req, res, { ...context, services: { ...services, identify: () => identified } });
  };

  let closing: Promise<void> | undefined;
  /** `/readyz`: 503 while shutting down or while the store cannot write, else 200. */
  const readiness = async (): Promise<[number, { ready: boolean; reason?: string }]> => {
    if (closing) return [503, { ready: false, reason: 'shutting down' }];
    try {
      await services.store.probe();
    } catch (error) {
      logger.warn({ err: error }, 'not ready: the store cannot write');
      return [503, { ready: false, reason: 'the store cannot write' }];
    }
    try {
      await cluster?.probe();
    } catch (error) {
      logger.warn({ err: error }, 'not ready: Redis does not answer');
      return [503, { ready: false, reason: 'Redis does not answer' }];
    }
    return [200, { ready: true }];
  };

  const route = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (path === '/healthz') return sendJson(res, 200, { ok: true });
    if (path === '/readyz') return sendJson(res, ...(await readiness()));
    if (path === METRICS_PATH && config.METRICS_PORT === undefined) return serveMetrics(req, res);
    if (path.startsWith(`${TRPC_PATH}/`)) {
      const wait = await admitRequest(req, res, trpcCallCount(req, path));
      if (wait > 0) throttled.set(req, wait);
      return trpcHttp(req, res);
    }
    if (socketIo && path === SOCKETIO_PATH) return socketIo.handleRequest(req, res);
    const isUpload = path === '/uploads' && req.method === 'POST';
    const isDownload = isErrorsDownload(path) && req.method === 'GET';
    if (!isUpload && !isDownload) return sendJson(res, 404, { error: 'Not found' });
    const wait = await admitRequest(req, res, 1);
    if (wait > 0) return rejectRequest(req, res, 429, `Too many requests from this address: retry in ${wait} s`);
    if (isUpload) return uploadIfAllowed(req, res);
    return handleErrorsDownload(req, res, path, services);
  };

  const server = createServer((req, res) => {
    const address = addressOf(req);
    res.setHeader(REQUEST_ID_HEADER, requestLogs.open(req));
    if (requestLogs.enabled('debug')) {
      res.once('finish', () =>
        requestLogs
          .of(req)
          .debug({ method: req.method, path: pathOf(req), status: res.statusCode, address }, 'request'),
      );
    }
    if (!originAllowed(req.headers.origin, config.ALLOWED_ORIGINS)) {
      return sendJson(res, 403, { error: 'Origin not allowed' });
    }
    if (applyCors(req, res)) return;
    route(req, res, pathOf(req)).catch((error: unknown) => {
      const unavailable = outageMessage(error);
      const log = requestLogs.of(req);
      if (unavailable) log.warn({ path: pathOf(req), err: error }, 'request refused: a shared service is unavailable');
      else log.error({ path: pathOf(req), err: error }, 'request failed');
      if (res.headersSent) res.destroy();
      else if (unavailable) sendJson(res, 503, { error: unavailable });
      else sendJson(res, 500, { error: 'Internal server error' });
    });
  });
  server.on('upgrade', (req, socket, head) => {
    requestLogs.open(req);
    if (requestLogs.enabled('debug')) {
      const log = requestLogs.of(req);
      log.debug({ path: pathOf(req), address: addressOf(req) }, 'upgrade');
      socket.once('close', () => log.debug('connection closed'));
    }
    if (!originAllowed(req.headers.origin, config.ALLOWED_ORIGINS)) {
      return socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
    }
    if (pathOf(req) === TRPC_PATH) return ws.handleUpgrade(req, socket, head);
    if (socketIo && pathOf(req) === SOCKETIO_PATH) return socketIo.handleUpgrade(req, socket, head);
    socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.PORT, config.HOST, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://${config.HOST}:${port}`;
  logger.info({ url }, 'listening');
  const metricsListener: MetricsListener | undefined =
    config.METRICS_PORT === undefined
      ? undefined
      : await startMetricsListener(config.METRICS_HOST, config.METRICS_PORT, serveMetrics, (error) =>
          logger.error({ err: error }, 'metrics failed'),
        );
  if (metricsListener) logger.info({ url: metricsListener.url }, 'metrics listening');
  const metricsUrl = metricsListener?.url ?? `${url}${METRICS_PATH}`;

  const shutdown = () => {
    closing ??= (async () => {
      // From here `/readyz` answers 503; the server keeps serving for a while so that a load balancer polling it
      // stops sending new traffic here before the listener closes.
      if (config.SHUTDOWN_DELAY_MS > 0) await new Promise((resolve) => setTimeout(resolve, config.SHUTDOWN_DELAY_MS));
      const drainMs = config.SHUTDOWN_DRAIN_MS;
      // Stop accepting, and tell WebSocket clients to reconnect (to the next process) right away.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      ws.broadcastReconnect();
      // A tRPC client closes its socket once it has read everything queued before the notification.
      await ws.clientsGone(drainMs);
      // Only now end running imports: they fail as interrupted, stored for the next process (which the clients
      // that left resume from) and sent to the streams still open (SSE, WebSocket clients that stayed).
      await services.imports.close();
      // SSE responses end cleanly after their terminal event (the server is closing, so Node then closes their
      // connections); WebSocket clients still here get 1012 after what is queued for them, Socket.IO clients a
      // close after theirs (they reconnect by themselves).
      const deadline = new Promise<void>((resolve) => setTimeout(resolve, drainMs).unref());
      await Promise.all([ws.close(drainMs), socketIo?.close(drainMs), Promise.race([closed, deadline])]);
      server.closeAllConnections();
      await closed;
      await services.close();
      hub[Symbol.dispose]();
      await cluster?.close();
      await metricsListener?.close();
      logger.info('closed');
    })();
    return closing;
  };
  const api: ApiServer = {
    url,
    port,
    hub,
    services,
    shutdown,
    metricsUrl,
    metrics: () => metrics.render(),
    [Symbol.asyncDispose]: shutdown,
  };
  if (!options.testing) return api;
  const testing: ServerTestHooks = {
    dropConnections() {
      for (const client of ws.wss.clients) client.terminate();
      socketIo?.drop();
      server.closeAllConnections();
    },
  };
  return { ...api, testing };
}
