import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';

function sessionClient(httpUrl: string, token?: string) {
  const headers = token ? { authorization: `Bearer ${token}` } : {};
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: httpUrl, transformer: superjson, headers })] });
}

/** Creates an anonymous session and returns its token, for clients that send it themselves rather than a cookie. */
export async function createSessionToken(httpUrl: string): Promise<string> {
  const { token } = await sessionClient(httpUrl).session.create.mutate();
  return token;
}

/** Whether the server knows `token` as a session (a server with a new database has forgotten every token). */
export async function isSessionActive(httpUrl: string, token: string): Promise<boolean> {
  const { active } = await sessionClient(httpUrl, token).session.current.query();
  return active;
}
