import { CoordinatorUnavailableError } from '@jobstream/importer';
import { EventLogUnavailableError } from '@jobstream/progress';
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

/** As `rethrowStoreOutage`, for the event log: a shared log that cannot be reached is SERVICE_UNAVAILABLE. */
export function rethrowLogOutage(error: unknown): never {
  if (error instanceof EventLogUnavailableError) {
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Progress is unavailable: try again shortly',
      cause: error,
    });
  }
  throw error;
}

/** As `rethrowStoreOutage`, for import coordination (several instances): unreachable is SERVICE_UNAVAILABLE. */
export function rethrowCoordinatorOutage(error: unknown): never {
  if (error instanceof CoordinatorUnavailableError) {
    throw new TRPCError({
      code: 'SERVICE_UNAVAILABLE',
      message: 'Imports are unavailable: try again shortly',
      cause: error,
    });
  }
  throw error;
}
