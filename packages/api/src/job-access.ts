import type { JobRecord } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';
import type { ApiContext } from './context';
import { rethrowStoreOutage } from './store-outage';

/**
 * The job if the caller may see it; otherwise NOT_FOUND, the same answer as for a job that does not exist, and
 * after the same awaits: a missing job must not be answered sooner than someone else's, or the order of the
 * answers in a batch would tell them apart. SERVICE_UNAVAILABLE while the store is.
 */
export async function authorizedJob(ctx: ApiContext, jobId: string): Promise<JobRecord> {
  const job = await ctx.jobs.get(jobId).catch(rethrowStoreOutage);
  const allowed = await (job ? ctx.authorize(ctx.caller, job) : false);
  if (job && allowed) return job;
  throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${jobId}` });
}

/** The caller's session id; UNAUTHORIZED without one. */
export function requireSession(ctx: ApiContext): string {
  if (ctx.caller.sessionId) return ctx.caller.sessionId;
  throw new TRPCError({ code: 'UNAUTHORIZED', message: 'No session: call session.create first' });
}
