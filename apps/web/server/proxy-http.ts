import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Logger } from '@jobstream/logger';
import { forwardedHeaders } from './forwarded-headers';
import { endToEndRawHeaders } from './hop-by-hop';

/** What a proxied request or upgrade is sent with: the id it is logged under (sent on as X-Request-Id), its logger. */
export interface ProxyContext {
  requestId: string;
  log: Logger;
}

/** What a client is told when the API server cannot be reached: words for the person using it. */
const UNREACHABLE = 'jobstream is not answering right now. Try again in a moment.';

/** Sends one HTTP request on to `target` (streaming both bodies) and its response back, Set-Cookie included. */
export function proxyHttp(target: URL, req: IncomingMessage, res: ServerResponse, context: ProxyContext): void {
  const headers = forwardedHeaders(req, context.requestId);
  const upstream = httpRequest(
    { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers },
    (upstreamRes) => {
      res.writeHead(
        upstreamRes.statusCode ?? 502,
        upstreamRes.statusMessage,
        endToEndRawHeaders(upstreamRes.rawHeaders),
      );
      upstreamRes.pipe(res);
      upstreamRes.on('error', () => res.destroy());
    },
  );
  upstream.on('error', (error) => {
    context.log.warn({ api: target.origin, error: error.message }, 'api request failed');
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.writeHead(502, { 'content-type': 'application/json' }).end(JSON.stringify({ error: UNREACHABLE }));
  });
  res.on('close', () => {
    if (!res.writableFinished) upstream.destroy();
  });
  req.pipe(upstream);
}
