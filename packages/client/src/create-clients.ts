import type { AppRouter } from '@jobstream/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  type TRPCLink,
  type TRPCWebSocketClient,
  wsLink,
} from '@trpc/client';
import superjson from 'superjson';
import { retryDelayMs } from './retry-delay';

/** Where the API's HTTP endpoint is and who is calling. */
export interface JobstreamHttpOptions {
  /** tRPC over HTTP, e.g. `/trpc` or `http://127.0.0.1:3001/trpc`. */
  httpUrl: string;
  /**
   * A session token, for clients without the session cookie (scripts, the CLI): sent as `Authorization: Bearer`
   * over HTTP and as the `token` connection param over WebSocket.
   */
  token?: string;
  /** Most calls sent in one HTTP batch (default 20, the API server's default `MAX_BATCH_SIZE`, above which it refuses a batch). */
  maxBatchItems?: number;
}

/** Where the API is and how the socket keeps itself alive. */
export interface JobstreamClientOptions extends JobstreamHttpOptions {
  /** tRPC over WebSocket, e.g. `ws://localhost:3000/trpc`. */
  wsUrl: string;
  /** Sent in the first message, for clients that authenticate without a cookie (`token` is added to them). */
  connectionParams?: Record<string, string>;
  /** Keep-alive ping interval, ms (default 10 s). */
  keepAliveIntervalMs?: number;
  /** How long to wait for a pong before reconnecting, ms (default 5 s). */
  pongTimeoutMs?: number;
  /** WebSocket implementation, outside browsers. */
  WebSocket?: typeof globalThis.WebSocket;
}

/** A WebSocket client and the tRPC client that routes subscriptions through it. */
export interface JobstreamClients {
  wsClient: TRPCWebSocketClient;
  trpcClient: TRPCClient<AppRouter>;
}

function httpLinkOf(options: JobstreamHttpOptions): TRPCLink<AppRouter> {
  return httpBatchLink({
    url: options.httpUrl,
    transformer: superjson,
    maxItems: options.maxBatchItems ?? 20,
    ...(options.token ? { headers: { authorization: `Bearer ${options.token}` } } : {}),
  });
}

/** A tRPC client over HTTP only (queries and mutations, batched), for callers that need no subscription. */
export function createJobstreamHttpClient(options: JobstreamHttpOptions): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({ links: [httpLinkOf(options)] });
}

/**
 * Creates the clients: subscriptions over one kept-alive WebSocket that reconnects with jittered exponential
 * backoff (resuming tracked subscriptions from their last event id), everything else batched over HTTP.
 * The socket connects at once, so create them only once the session is established.
 */
export function createJobstreamClients(options: JobstreamClientOptions): JobstreamClients {
  const connectionParams = options.token
    ? { ...options.connectionParams, token: options.token }
    : options.connectionParams;
  const wsClient = createWSClient({
    url: options.wsUrl,
    ...(connectionParams ? { connectionParams } : {}),
    ...(options.WebSocket ? { WebSocket: options.WebSocket } : {}),
    retryDelayMs: (attemptIndex) => retryDelayMs(attemptIndex),
    keepAlive: {
      enabled: true,
      intervalMs: options.keepAliveIntervalMs ?? 10_000,
      pongTimeoutMs: options.pongTimeoutMs ?? 5_000,
    },
  });
  const trpcClient = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: wsClient, transformer: superjson }),
        false: httpLinkOf(options),
      }),
    ],
  });
  return { wsClient, trpcClient };
}
