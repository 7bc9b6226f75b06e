import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';

/**
 * Makes sure the caller has a session before anything else talks to the API: asks `session.current` over HTTP
 * and calls `session.create` when there is none, which sets the HttpOnly session cookie. The WebSocket handshake
 * carries that cookie, so call this before creating the WebSocket client.
 */
export async function ensureSession(httpUrl: string): Promise<void> {
  const client = createTRPCClient<AppRouter>({ links: [httpLink({ url: httpUrl, transformer: superjson })] });
  const { active } = await client.session.current.query();
  if (!active) await client.session.create.mutate();
}
