import { JobId, OnProgressInputSchema, WebSocketEvents } from '@jobstream/contracts';
import { z } from 'zod';
import { authorizedJob, requireSession } from '../job-access';
import { ProgressStream } from '../progress-stream';
import { rethrowCoordinatorOutage, rethrowStoreOutage } from '../store-outage';
import { type BaseProcedure, router } from '../trpc';

const JobInput = z.object({ jobId: JobId });

/** Imports and their progress, built on `procedure`: the procedures that replace the old upload gateway. */
export const uploadRouter = (procedure: BaseProcedure) =>
  router({
    /** Liveness check with the server's clock, the old gateway's ping/pong. */
    ping: procedure.query(() => ({ event: WebSocketEvents.PONG, serverTime: Date.now() })),

    /** The import templates with their columns. */
    templates: procedure.query(({ ctx }) => ctx.templates.list()),

    /** The limits an upload is held to, so a client can check a file before sending it; null when none are stated. */
    limits: procedure.query(({ ctx }) => ctx.uploadLimits ?? null),

    /** One of the caller's jobs as stored. */
    get: procedure.input(JobInput).query(async ({ ctx, input }) => {
      const { owner: _owner, ...job } = await authorizedJob(ctx, input.jobId);
      return job;
    }),

    /** The caller's most recent jobs, newest first; each one also passes the access check, as `get` would. */
    list: procedure
      .input(z.object({ limit: z.number().int().min(1).max(100).default(20) }).default({ limit: 20 }))
      .query(async ({ ctx, input }) => {
        const jobs = await ctx.jobs.listByOwner(requireSession(ctx), input.limit).catch(rethrowStoreOutage);
        const visible = await Promise.all(jobs.map((job) => ctx.authorize(ctx.caller, job)));
        return jobs.filter((_, index) => visible[index]).map(({ owner: _owner, ...job }) => job);
      }),

    /** Stops one of the caller's running jobs; it ends failed with `Cancelled`. Committed rows stay. */
    cancel: procedure.input(JobInput).mutation(async ({ ctx, input }) => {
      await authorizedJob(ctx, input.jobId);
      return { cancelled: await ctx.imports.cancel(input.jobId).catch(rethrowCoordinatorOutage) };
    }),

    /**
     * Streams one of the caller's jobs: its current state, then every change, ending after the terminal event. The
     * stream starts when a transport consumes it, so every subscribe and resubscribe checks access anew.
     */
    onProgress: procedure
      .input(OnProgressInputSchema)
      .subscription(({ input, ctx, signal }) => new ProgressStream(ctx, input, signal)),
  });
