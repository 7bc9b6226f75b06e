import { request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import { forwardedHeaders } from './forwarded-headers';
import { endToEndRawHeaders } from './hop-by-hop';

/** What a client is told when the API server cannot be reached: words for the person using it. */
const UNREACHABLE = 'jobstream is not answering right now. Try again in a moment.';

/** Sends one HTTP request on to `target` (streaming both bodies) and its response back, Set-Cookie included. */
export function proxyHttp(target: URL, req: IncomingMessage, res: ServerResponse): void {
  const upstream = httpRequest(
    { hostname: target.hostname, port: target.port, method: req.method, path: req.url, headers: forwardedHeaders(req) },
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
  upstream.on('error', () => {
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
