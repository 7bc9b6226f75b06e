import type { JobRecord } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';
import type { ApiContext } from './context';

/** The job if the caller may see it; otherwise NOT_FOUND, the same answer as for a job that does not exist. */
export async function authorizedJob(ctx: ApiContext, jobId: string): Promise<JobRecord> {
  const job = ctx.jobs.get(jobId);
  if (job && (await ctx.authorize(ctx.caller, job))) return job;
  throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${jobId}` });
}

/** The caller's session id; UNAUTHORIZED without one. */
export function requireSession(ctx: ApiContext): string {
  if (ctx.caller.sessionId) return ctx.caller.sessionId;
  throw new TRPCError({ code: 'UNAUTHORIZED', message: 'No session: call session.create first' });
}
