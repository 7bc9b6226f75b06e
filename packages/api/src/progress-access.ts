import type { JobRecord } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';
import type { ApiContext } from './context';
import { authorizedJob } from './job-access';

/** A subscription's claim on one of the caller's jobs: the job as stored, and its connection slot to give back. */
export interface ProgressClaim {
  job: JobRecord;
  release: () => void;
}

/**
 * What every `upload.onProgress` (re)subscribe checks, whatever transport serves it: the caller may see the job
 * (else NOT_FOUND) and its connection has a subscription slot left (else TOO_MANY_REQUESTS).
 */
export async function claimProgressSubscription(ctx: ApiContext, jobId: string): Promise<ProgressClaim> {
  const job = await authorizedJob(ctx, jobId);
  const { connection } = ctx;
  if (!connection.openSubscription()) {
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `At most ${connection.maxSubscriptions} subscriptions per connection`,
    });
  }
  return {
    job,
    release() {
      connection.closeSubscription();
    },
  };
}
