import { JobId, OnProgressInputSchema, WebSocketEvents } from '@jobstream/contracts';
import { subscribeToJob } from '@jobstream/progress';
import { TRPCError, tracked } from '@trpc/server';
import { z } from 'zod';
import { authorizedJob, requireSession } from '../job-access';
import { claimProgressSubscription } from '../progress-access';
import { terminalEventOf } from '../stored-events';
import { markPlainJson } from '../transformer';
import { publicProcedure, router } from '../trpc';

const JobInput = z.object({ jobId: JobId });

/** Imports and their progress: the procedures that replace the old upload gateway. */
export const uploadRouter = router({
  /** Liveness check with the server's clock, the old gateway's ping/pong. */
  ping: publicProcedure.query(() => ({ event: WebSocketEvents.PONG, serverTime: Date.now() })),

  /** The import templates with their columns. */
  templates: publicProcedure.query(({ ctx }) => ctx.templates.list()),

  /** The limits an upload is held to, so a client can check a file before sending it; null when none are stated. */
  limits: publicProcedure.query(({ ctx }) => ctx.uploadLimits ?? null),

  /** One of the caller's jobs as stored. */
  get: publicProcedure.input(JobInput).query(async ({ ctx, input }) => {
    const { owner: _owner, ...job } = await authorizedJob(ctx, input.jobId);
    return job;
  }),

  /** The caller's most recent jobs, newest first; each one also passes the access check, as `get` would. */
  list: publicProcedure
    .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
    .query(async ({ ctx, input }) => {
      const jobs = ctx.jobs.listByOwner(requireSession(ctx), input.limit);
      const visible = await Promise.all(jobs.map((job) => ctx.authorize(ctx.caller, job)));
      return jobs.filter((_, index) => visible[index]).map(({ owner: _owner, ...job }) => job);
    }),

  /** Stops one of the caller's running jobs; it ends failed with `Cancelled`. Committed rows stay. */
  cancel: publicProcedure.input(JobInput).mutation(async ({ ctx, input }) => {
    await authorizedJob(ctx, input.jobId);
    return { cancelled: ctx.imports.cancel(input.jobId) };
  }),

  /** Streams one of the caller's jobs: its current state, then every change, ending after the terminal event. */
  onProgress: publicProcedure.input(OnProgressInputSchema).subscription(async function* ({ input, ctx, signal }) {
    const { job, release } = await claimProgressSubscription(ctx, input.jobId);
    try {
      const stream = subscribeToJob(ctx.registry, job.jobId, {
        lastEventId: input.lastEventId,
        signal,
        stored: terminalEventOf(job),
        writable: () => ctx.connection.writable(),
      });
      if (!stream) throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${input.jobId}` });
      for await (const { id, data } of stream) yield tracked(id, markPlainJson(data));
    } finally {
      release();
    }
  }),
});
