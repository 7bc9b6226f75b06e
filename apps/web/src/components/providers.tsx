'use client';

import { ConnectionStatusProvider, TRPCProvider } from '@jobstream/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { getBrowserClients } from '@/lib/browser-clients';
import { ensureBrowserSession } from '@/lib/browser-session';
import { createQueryClient } from '@/lib/query-client';
import { SessionContext, type SessionState } from './session-context';

type Progress = { kind: 'pending' } | { kind: 'ready' } | { kind: 'error'; message: string };

/**
 * Ensures the session over HTTP first, then creates the WebSocket and tRPC clients (the socket's handshake
 * carries the session cookie) and provides them with the query client and the connection status.
 */
export function Providers({ children }: { children: ReactNode }) {
  const [queryClient] = useState(createQueryClient);
  const [progress, setProgress] = useState<Progress>({ kind: 'pending' });
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    if (attempt > 0) setProgress({ kind: 'pending' });
    ensureBrowserSession().then(
      () => current && setProgress({ kind: 'ready' }),
      () => current && setProgress({ kind: 'error', message: 'The server could not be reached.' }),
    );
    return () => {
      current = false;
    };
  }, [attempt]);

  const session = useMemo<SessionState>(
    () => (progress.kind === 'error' ? { ...progress, retry: () => setAttempt((n) => n + 1) } : progress),
    [progress],
  );

  if (progress.kind !== 'ready') {
    return (
      <QueryClientProvider client={queryClient}>
        <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
      </QueryClientProvider>
    );
  }
  const { trpcClient, wsClient } = getBrowserClients();
  return (
    <QueryClientProvider client={queryClient}>
      <TRPCProvider trpcClient={trpcClient} queryClient={queryClient}>
        <ConnectionStatusProvider wsClient={wsClient}>
          <SessionContext.Provider value={session}>{children}</SessionContext.Provider>
        </ConnectionStatusProvider>
      </TRPCProvider>
    </QueryClientProvider>
  );
}
