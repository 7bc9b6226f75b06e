import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathOf, sendJson } from '../http/respond';
import type { ServerMetrics } from './server-metrics';

/** The path metrics are served at, on the public port or on their own listener. */
export const METRICS_PATH = '/metrics';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/** Whether an Authorization header carries `Bearer <token>`, compared in constant time. */
function bearerMatches(header: string | undefined, token: string): boolean {
  const presented = header?.match(/^Bearer\s+(\S+)$/i)?.[1];
  return presented !== undefined && timingSafeEqual(digest(presented), digest(token));
}

/** Serves `GET /metrics`: 401 unless it carries the bearer `token`, when one is set (`METRICS_TOKEN`). */
export function metricsHandler(metrics: ServerMetrics, token: string | undefined) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    if (token !== undefined && !bearerMatches(req.headers.authorization, token)) {
      res.setHeader('www-authenticate', 'Bearer realm="metrics"');
      return sendJson(res, 401, { error: 'Metrics need the bearer token' });
    }
    const text = await metrics.render();
    res.writeHead(200, { 'content-type': metrics.contentType }).end(text);
  };
}

/** A listener of its own for `/metrics` (`METRICS_HOST`:`METRICS_PORT`), off the public port. */
export interface MetricsListener {
  /** `http://host:port/metrics`. */
  url: string;
  close(): Promise<void>;
}

/** Listens on `host`:`port` and serves `handle` at `/metrics`, 404 for anything else. */
export async function startMetricsListener(
  host: string,
  port: number,
  handle: (req: IncomingMessage, res: ServerResponse) => Promise<void>,
  onError: (error: unknown) => void,
): Promise<MetricsListener> {
  const server = createServer((req, res) => {
    if (pathOf(req) !== METRICS_PATH) return sendJson(res, 404, { error: 'Not found' });
    handle(req, res).catch((error: unknown) => {
      onError(error);
      if (!res.headersSent) sendJson(res, 500, { error: 'Internal server error' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}${METRICS_PATH}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
