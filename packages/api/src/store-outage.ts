import { StoreBusyError, StoreUnavailableError } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';

/**
 * Rethrows a store error as the client should see it: an unreachable or saturated store is SERVICE_UNAVAILABLE
 * (HTTP 503, worth retrying), with the cause kept for the server's log; any other error passes unchanged.
 */
export function rethrowStoreOutage(error: unknown): never {
  if (error instanceof StoreUnavailableError || error instanceof StoreBusyError) {
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The database is unavailable: try again shortly',
      cause: error,
    });
  }
  throw error;
}
