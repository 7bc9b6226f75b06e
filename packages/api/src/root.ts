import { sessionRouter } from './routers/session';
import { uploadRouter } from './routers/upload';
import { router } from './trpc';

/** The whole API. */
export const appRouter = router({
  session: sessionRouter,
  upload: uploadRouter,
});

/** The API's type, from which clients infer every input and output. */
export type AppRouter = typeof appRouter;
