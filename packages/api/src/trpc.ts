import { initTRPC } from '@trpc/server';
import superjson from 'superjson';
import { ZodError, z } from 'zod';
import type { ApiContext } from './context';

const t = initTRPC.context<ApiContext>().create({
  transformer: superjson,
  errorFormatter({ shape, error }) {
    const zodError = error.cause instanceof ZodError ? z.flattenError(error.cause) : null;
    return { ...shape, data: { ...shape.data, stack: undefined, zodError } };
  },
});

/** Builds routers. */
export const router = t.router;
/** A procedure anyone may call. */
export const publicProcedure = t.procedure;
/** Builds a caller for server-side use and tests. */
export const createCallerFactory = t.createCallerFactory;
