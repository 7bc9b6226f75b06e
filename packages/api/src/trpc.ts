import { initTRPC, type TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { ApiContext } from './context';
import { transformer } from './transformer';

/** SSE keep-alive: a ping comment every 15 s, well below the client's 30 s inactivity reconnect and common proxy idle limits. */
const SSE_OPTIONS = {
  ping: { enabled: true, intervalMs: 15_000 },
  client: { reconnectAfterInactivityMs: 30_000 },
} as const;

/**
 * The message a client may read: ours as written, an input's schema issues as `path: message`, and fixed words
 * where the text would come from inside the server (an internal error, or a JavaScript error a parser or decoder
 * threw, such as a stack overflow or superjson's complaint about an unknown class). The server logs the original.
 */
function publicMessage(error: TRPCError): string {
  if (error.code === 'INTERNAL_SERVER_ERROR') return 'Internal server error';
  if (error.cause instanceof ZodError) {
    const issues = error.cause.issues.map((issue) => `${issue.path.join('.') || 'input'}: ${issue.message}`);
    return `Invalid input (${issues.join('; ')})`;
  }
  const fromCause = error.cause instanceof Error && error.message === error.cause.message;
  if (error.code === 'PARSE_ERROR') return 'Malformed request';
  if (fromCause) return error.code === 'BAD_REQUEST' ? 'Bad request' : 'Request refused';
  return error.message;
}

const t = initTRPC.context<ApiContext>().create({
  transformer,
  sse: SSE_OPTIONS,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    const message = publicMessage(error);
    return {
      ...shape,
      message,
      data: { code: shape.data.code, httpStatus: shape.data.httpStatus, path: shape.data.path, zodError },
    };
  },
});

/** Builds routers. */
export const router = t.router;
/** A procedure anyone may call; procedures check sessions and job access themselves. */
export const publicProcedure = t.procedure;
/** The procedure every API procedure is built on: `publicProcedure`, or it with a host's middleware. */
export type BaseProcedure = typeof publicProcedure;
/** Builds middleware for `publicProcedure.use(…)`. */
export const middleware = t.middleware;
/** Builds a caller for server-side use and tests. */
export const createCallerFactory = t.createCallerFactory;
