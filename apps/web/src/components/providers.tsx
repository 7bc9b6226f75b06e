'use client';

import { TRPCProvider } from '@jobstream/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { createHttpOnlyClient, getBrowserClients } from '@/lib/browser-clients';
import { createQueryClient } from '@/lib/query-client';
import { LiveConnectionProvider } from './live-connection';
import { SessionContext } from './session-context';
import { useBrowserSession } from './use-browser-session';

/**
 * Provides the query client, the tRPC clients and the live connection's status. Until the session exists, queries
 * go over HTTP only (so templates and limits load beside the session, not after it); then the WebSocket and tRPC
 * clients are created (the socket's handshake carries the session cookie) and take over. The tree keeps its shape
 * throughout, so nothing the page holds (a chosen file) is lost when the session arrives.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [httpOnlyClient] = useState(createHttpOnlyClient);
  const session = useBrowserSession();
  const clients = session.kind === 'ready' ? getBrowserClients() : undefined;
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={clients?.trpcClient ?? httpOnlyClient} queryClient={queryClient}>
        <LiveConnectionProvider wsClient={clients?.wsClient}>
          <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
        </LiveConnectionProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
