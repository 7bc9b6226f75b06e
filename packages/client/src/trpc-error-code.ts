import { TRPCClientError } from '@trpc/client';

/** The tRPC error code (NOT_FOUND, UNAUTHORIZED ...) of an error, if it is a tRPC error with one. */
export function trpcErrorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  if (typeof data !== 'object' || data === null || !('code' in data)) return undefined;
  return typeof data.code === 'string' ? data.code : undefined;
}
