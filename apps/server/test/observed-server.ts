import type { Socket } from 'node:net';
import { type ApiServer, sessionIdentity, type TestableApiServer } from '../src/index';
import { startTestServer } from './fixtures';

/** A request or WebSocket connection as the server saw it. */
export interface SeenRequest {
  /** The request's path and query (for a WebSocket, its upgrade request's). */
  url: string;
  /** The server's side of the connection: what it has queued for the peer is `writableLength`. */
  socket: Socket;
  /** The session token it presented (bearer header or WebSocket `connectionParams.token`), if any. */
  token: string | undefined;
}

/** A test server that records the server-side socket of every identified request and WebSocket connection. */
export interface ObservedServer extends AsyncDisposable {
  server: TestableApiServer;
  seen: SeenRequest[];
  /** Cuts, from the server's side, every connection that presented `token`, as a network fault there would. */
  cut(token: string): void;
}

/**
 * Starts a test server whose `identify` hook (jobstream's own sessions) also records each caller's socket,
 * called once per HTTP request (each SSE stream is one) and once per WebSocket connection.
 */
export async function startObservedServer(env: Record<string, string> = {}): Promise<ObservedServer> {
  const seen: SeenRequest[] = [];
  const holder: { server?: ApiServer } = {};
  const server = await startTestServer(env, {
    auth: {
      identify: (req, connectionParams) => {
        const bearer = req.headers.authorization?.replace(/^Bearer\s+/i, '');
        seen.push({ url: req.url ?? '', socket: req.socket, token: connectionParams?.token ?? bearer });
        if (!holder.server) throw new Error('request before the server started');
        return sessionIdentity(holder.server.services.sessions)(req, connectionParams);
      },
    },
  });
  holder.server = server;
  return {
    server,
    seen,
    cut(token) {
      for (const request of seen) if (request.token === token) request.socket.destroy();
    },
    [Symbol.asyncDispose]: () => server.shutdown(),
  };
}
