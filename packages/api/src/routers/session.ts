import { TRPCError } from '@trpc/server';
import { rethrowStoreOutage } from '../store-outage';
import { type BaseProcedure, router } from '../trpc';

/** Anonymous sessions, built on `procedure`: the identity jobs belong to. */
export const sessionRouter = (procedure: BaseProcedure) =>
  router({
    /** Issues a new session, within the per-address session rate; over HTTP it is also set as an HttpOnly cookie. */
    create: procedure.mutation(async ({ ctx }) => {
      const wait = (await ctx.admitSession?.()) ?? 0;
      if (wait > 0) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `Too many new sessions from this address: retry in ${wait} s`,
        });
      }
      const { token } = await ctx.sessions.create().catch(rethrowStoreOutage);
      ctx.setSessionCookie?.(token);
      return { token };
    }),

    /** Whether the caller has a valid session. */
    current: procedure.query(({ ctx }) => ({ active: ctx.caller.sessionId !== null })),
  });
