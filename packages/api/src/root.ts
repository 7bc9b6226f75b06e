import { sessionRouter } from './routers/session';
import { uploadRouter } from './routers/upload';
import { type BaseProcedure, publicProcedure, router } from './trpc';

/**
 * The whole API, every procedure built on `procedure`: a host adds middleware to all of them (logging, tenancy,
 * its own checks) with `createAppRouter(publicProcedure.use(…))`, and every transport runs it.
 */
export function createAppRouter(procedure: BaseProcedure = publicProcedure) {
  return router({
    session: sessionRouter(procedure),
    upload: uploadRouter(procedure),
  });
}

/** The whole API as jobstream serves it. */
export const appRouter = createAppRouter();

/** The API's type, from which clients infer every input and output. */
export type AppRouter = typeof appRouter;
