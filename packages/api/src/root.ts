import { uploadRouter } from './routers/upload';
import { router } from './trpc';

/** The whole API. */
export const appRouter = router({
  upload: uploadRouter,
});

/** The API's type, from which clients infer every input and output. */
export type AppRouter = typeof appRouter;
