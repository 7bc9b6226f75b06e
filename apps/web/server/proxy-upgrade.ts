import { request as httpRequest, type IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { forwardedHeaders } from './forwarded-headers';
import type { ProxyContext } from './proxy-http';

function statusBlock(statusCode: number, statusMessage: string, rawHeaders: readonly string[]): string {
  let block = `HTTP/1.1 ${statusCode} ${statusMessage}\r\n`;
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) block += `${rawHeaders[i]}: ${rawHeaders[i + 1]}\r\n`;
  return `${block}\r\n`;
}

/**
 * Proxies a WebSocket upgrade to `target`: forwards the handshake (Cookie and Origin included), relays the
 * server's answer (101, or a refusal such as 401/403 with its body), then pipes the two sockets together.
 */
export function proxyUpgrade(
  target: URL,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  context: ProxyContext,
): void {
  const upstream = httpRequest({
    hostname: target.hostname,
    port: target.port,
    method: req.method,
    path: req.url,
    headers: forwardedHeaders(req, context.requestId, true),
  });
  const fail = (error: Error) => {
    context.log.warn({ api: target.origin, error: error.message }, 'api upgrade failed');
    if (socket.writable) socket.end('HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  };
  upstream.on('error', fail);
  socket.on('error', () => upstream.destroy());

  upstream.on('response', (upstreamRes) => {
    socket.write(statusBlock(upstreamRes.statusCode ?? 502, upstreamRes.statusMessage ?? '', upstreamRes.rawHeaders));
    upstreamRes.pipe(socket);
  });

  upstream.on('upgrade', (upstreamRes, upstreamSocket: Socket, upstreamHead: Buffer) => {
    upstreamSocket.setNoDelay(true);
    if ('setNoDelay' in socket && typeof socket.setNoDelay === 'function') (socket as Socket).setNoDelay(true);
    upstreamSocket.on('error', () => socket.destroy());
    socket.on('error', () => upstreamSocket.destroy());
    upstreamSocket.on('close', () => socket.destroy());
    socket.on('close', () => upstreamSocket.destroy());
    socket.write(statusBlock(101, upstreamRes.statusMessage ?? 'Switching Protocols', upstreamRes.rawHeaders));
    if (upstreamHead.length > 0) socket.write(upstreamHead);
    if (head.length > 0) upstreamSocket.write(head);
    upstreamSocket.pipe(socket);
    socket.pipe(upstreamSocket);
  });

  upstream.end();
}
