import { OnProgressInputSchema, WebSocketEvents } from '@jobstream/contracts';
import { subscribeToJob } from '@jobstream/progress';
import { TRPCError, tracked } from '@trpc/server';
import { publicProcedure, router } from '../trpc';

/** Job progress: the subscription that replaces the old gateway's upload room. */
export const uploadRouter = router({
  /** Liveness check with the server's clock, the old gateway's ping/pong. */
  ping: publicProcedure.query(() => ({ event: WebSocketEvents.PONG, serverTime: Date.now() })),

  /** Streams one job's events: its current state, then every change, ending after the terminal event. */
  onProgress: publicProcedure.input(OnProgressInputSchema).subscription(async function* ({ input, ctx, signal }) {
    const stream = subscribeToJob(ctx.registry, input.jobId, { lastEventId: input.lastEventId, signal });
    if (!stream) throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${input.jobId}` });
    for await (const { id, ...data } of stream) yield tracked(id, data);
  }),
});
