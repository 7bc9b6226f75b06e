import type { AppRouter } from '@jobstream/api';
import { createJobstreamClients, type JobstreamClients } from '@jobstream/react';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';
import { wsUrlFor } from './ws-url';

const HTTP_URL = '/trpc';

let clients: JobstreamClients | undefined;

/** The browser's one WebSocket client and tRPC client, created on first use (after the session exists). */
export function getBrowserClients(): JobstreamClients {
  clients ??= createJobstreamClients({ httpUrl: HTTP_URL, wsUrl: wsUrlFor(window.location) });
  return clients;
}

/**
 * tRPC over HTTP only, batched: what queries that need no session (templates, limits) use while the session is being
 * established, so they go out beside it rather than after it. It opens no socket, so it is safe on the server too.
 */
export function createHttpOnlyClient(): TRPCClient<AppRouter> {
  return createTRPCClient<AppRouter>({
    links: [httpBatchLink({ url: HTTP_URL, transformer: superjson, maxItems: 20 })],
  });
}
