import type { Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * A server's graceful stop. `drain` stops accepting at once and closes idle keep-alive connections; requests in
 * flight (a page, a proxied call or upload, an `errors.csv` download, an SSE stream) go on to their end, each
 * connection closing as soon as it has no request left, and the drain ends when the last one has. Whatever is still
 * open after the timeout (a stream that does not end, a WebSocket tunnel, which only its peers end) is cut then. A
 * client whose tunnel is cut reconnects through the next process and resumes after its last event id.
 */
export class ConnectionDrain {
  /** Responses not yet closed. */
  private readonly responses = new Set<ServerResponse>();
  /** Upgraded sockets (WebSocket tunnels, Next's HMR): the HTTP server no longer tracks them. */
  private readonly tunnels = new Set<Duplex>();
  private draining = false;

  constructor(private readonly server: Server) {}

  /** Follows a request until its response closes. */
  request(res: ServerResponse): void {
    this.responses.add(res);
    res.once('close', () => {
      this.responses.delete(res);
      // Its connection is idle once the response is done with it (on the next turn): close it rather than wait
      // for the keep-alive timeout.
      if (this.draining) setImmediate(() => this.server.closeIdleConnections());
    });
  }

  /** Follows an upgraded socket until it closes. */
  tunnel(socket: Duplex): void {
    this.tunnels.add(socket);
    socket.once('close', () => this.tunnels.delete(socket));
  }

  /** Stops accepting, lets requests in flight finish for at most `timeoutMs`, cuts what is left, and resolves once closed. */
  async drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeIdleConnections();
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, timeoutMs);
    });
    await Promise.race([closed, deadline]);
    clearTimeout(timer);
    for (const socket of this.tunnels) socket.destroy();
    this.server.closeAllConnections();
    await closed;
  }
}
