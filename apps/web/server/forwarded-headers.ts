import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { REQUEST_ID_HEADER } from '@jobstream/logger';
import { isHopByHop } from './hop-by-hop';

const FORWARDED = new Set(['forwarded', 'x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', REQUEST_ID_HEADER]);

/**
 * The request's headers as sent on to the API server: everything end to end kept as is (Cookie, Origin, Host,
 * content headers), the X-Forwarded-* trio set from this connection and X-Request-Id set to `requestId`, the id this
 * server logs the request under. The web server is the edge, so such headers a client sent are dropped rather than
 * trusted. `keepUpgrade` keeps Connection/Upgrade for a WebSocket handshake.
 */
export function forwardedHeaders(req: IncomingMessage, requestId: string, keepUpgrade = false): OutgoingHttpHeaders {
  const headers: OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined || FORWARDED.has(name)) continue;
    if (isHopByHop(name) && !(keepUpgrade && (name === 'connection' || name === 'upgrade'))) continue;
    headers[name] = value;
  }
  if (req.socket.remoteAddress) headers['x-forwarded-for'] = req.socket.remoteAddress;
  headers['x-forwarded-proto'] = 'encrypted' in req.socket && req.socket.encrypted ? 'https' : 'http';
  if (req.headers.host) headers['x-forwarded-host'] = req.headers.host;
  headers[REQUEST_ID_HEADER] = requestId;
  return headers;
}
