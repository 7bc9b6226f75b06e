import { retryDelayMs } from '@jobstream/react';
import { QueryClient } from '@tanstack/react-query';
import { trpcErrorCode } from './trpc-error-code';

const FINAL_CODES = new Set(['NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST']);

/** Ceilings of the delays between tries of a query the server did not answer: 0.5 s, 1 s, 2 s ... up to 10 s. */
export const QUERY_RETRY = { baseMs: 500, maxMs: 10_000 };

/**
 * The app's query client: answers that retrying cannot change (not found, bad input) are final; anything else (the
 * server unreachable or restarting) is tried again with jittered backoff until it answers.
 */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (_failures, error) => !FINAL_CODES.has(trpcErrorCode(error) ?? ''),
        retryDelay: (failures) => retryDelayMs(failures - 1, Math.random, QUERY_RETRY),
      },
    },
  });
}
