import type { IncomingMessage } from 'node:http';

/** The client's address: the first `X-Forwarded-For` entry when the proxy is trusted, else the socket's peer. */
export function clientAddress(req: IncomingMessage, trustProxy: boolean): string {
  const forwarded = req.headers['x-forwarded-for'];
  const first = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  if (trustProxy && first) return first;
  return req.socket.remoteAddress ?? 'unknown';
}
