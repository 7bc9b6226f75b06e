import { initTRPC } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { ApiContext } from './context';
import { transformer } from './transformer';

/** SSE keep-alive: a ping comment every 15 s, well below the client's 30 s inactivity reconnect and common proxy idle limits. */
export const SSE_OPTIONS = {
  ping: { enabled: true, intervalMs: 15_000 },
  client: { reconnectAfterInactivityMs: 30_000 },
} as const;

const t = initTRPC.context<ApiContext>().create({
  transformer,
  sse: SSE_OPTIONS,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    const message = error.code === 'INTERNAL_SERVER_ERROR' ? 'Internal server error' : shape.message;
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
/** Builds a caller for server-side use and tests. */
export const createCallerFactory = t.createCallerFactory;
