import { publicProcedure, router } from '../trpc';

/** Anonymous sessions: the identity jobs belong to. */
export const sessionRouter = router({
  /** Issues a new session; over HTTP it is also set as an HttpOnly cookie. */
  create: publicProcedure.mutation(({ ctx }) => {
    const { token } = ctx.sessions.create();
    ctx.setSessionCookie?.(token);
    return { token };
  }),

  /** Whether the caller has a valid session. */
  current: publicProcedure.query(({ ctx }) => ({ active: ctx.caller.sessionId !== null })),
});
