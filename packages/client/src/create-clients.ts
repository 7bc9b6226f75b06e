import type { AppRouter } from '@jobstream/api';
import {
  createTRPCClient,
  createWSClient,
  httpBatchLink,
  splitLink,
  type TRPCClient,
  type TRPCWebSocketClient,
  wsLink,
} from '@trpc/client';
import superjson from 'superjson';
import { retryDelayMs } from './retry-delay';

/** Where the API is and how the socket keeps itself alive. */
export interface JobstreamClientOptions {
  /** tRPC over HTTP, e.g. `/trpc` or `http://127.0.0.1:3001/trpc`. */
  httpUrl: string;
  /** tRPC over WebSocket, e.g. `ws://localhost:3000/trpc`. */
  wsUrl: string;
  /** Sent in the first message, for clients that authenticate without a cookie. */
  connectionParams?: Record<string, string>;
  /** Keep-alive ping interval, ms (default 10 s). */
  keepAliveIntervalMs?: number;
  /** How long to wait for a pong before reconnecting, ms (default 5 s). */
  pongTimeoutMs?: number;
  /** Most calls sent in one HTTP batch (default 20, the API server's default `MAX_BATCH_SIZE`, above which it refuses a batch). */
  maxBatchItems?: number;
  /** WebSocket implementation, outside browsers. */
  WebSocket?: typeof globalThis.WebSocket;
}

/** A WebSocket client and the tRPC client that routes subscriptions through it. */
export interface JobstreamClients {
  wsClient: TRPCWebSocketClient;
  trpcClient: TRPCClient<AppRouter>;
}

/**
 * Creates the clients: subscriptions over one kept-alive WebSocket that reconnects with jittered exponential
 * backoff (resuming tracked subscriptions from their last event id), everything else batched over HTTP.
 * The socket connects at once, so create them only once the session is established.
 */
export function createJobstreamClients(options: JobstreamClientOptions): JobstreamClients {
  const wsClient = createWSClient({
    url: options.wsUrl,
    ...(options.connectionParams ? { connectionParams: options.connectionParams } : {}),
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
        false: httpBatchLink({ url: options.httpUrl, transformer: superjson, maxItems: options.maxBatchItems ?? 20 }),
      }),
    ],
  });
  return { wsClient, trpcClient };
}
