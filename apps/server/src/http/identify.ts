import type { IncomingMessage } from 'node:http';
import type { Caller } from '@jobstream/api';
import type { SessionRepository } from '@jobstream/storage';
import { readCookie, SESSION_COOKIE } from './cookies';

function bearer(header: string | undefined): string | undefined {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match?.[1];
}

/** How the server finds out who is calling: the documented hook for host apps with their own auth. */
export type IdentifyCaller = (
  req: IncomingMessage,
  connectionParams?: Record<string, string | undefined> | null,
) => Caller | Promise<Caller>;

/** Resolves the caller of a request: `Authorization: Bearer`, then a `token` connection param, then the session cookie. */
async function identify(
  sessions: SessionRepository,
  req: IncomingMessage,
  connectionParams?: Record<string, string | undefined> | null,
): Promise<Caller> {
  const token =
    bearer(req.headers.authorization) ?? connectionParams?.token ?? readCookie(req.headers.cookie, SESSION_COOKIE);
  return { sessionId: (await sessions.resolve(token)) ?? null };
}

/** The default `IdentifyCaller`: jobstream's anonymous sessions. */
export function sessionIdentity(sessions: SessionRepository): IdentifyCaller {
  return (req, connectionParams) => identify(sessions, req, connectionParams);
}
