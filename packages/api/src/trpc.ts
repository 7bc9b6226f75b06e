import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { ApiContext } from './context';

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
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
