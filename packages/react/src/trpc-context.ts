'use client';

import type { AppRouter } from '@jobstream/api';
import { createTRPCContext } from '@trpc/tanstack-react-query';

/** The typed tRPC context for React: wrap the app in `TRPCProvider`, then call `useTRPC()` in any component. */
export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();
