import { QueryClient } from '@tanstack/react-query';
import { trpcErrorCode } from './trpc-error-code';

const FINAL_CODES = new Set(['NOT_FOUND', 'UNAUTHORIZED', 'FORBIDDEN', 'BAD_REQUEST']);

/** The app's query client: answers that retrying cannot change (not found, bad input) are not retried. */
export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        retry: (failures, error) => failures < 2 && !FINAL_CODES.has(trpcErrorCode(error) ?? ''),
      },
    },
  });
}
