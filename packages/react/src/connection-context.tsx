'use client';

import { type ConnectionStatus, trackConnectionStatus } from '@jobstream/client';
import type { TRPCWebSocketClient } from '@trpc/client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

const ConnectionContext = createContext<ConnectionStatus | undefined>(undefined);

/** Props of `ConnectionStatusProvider`. */
export interface ConnectionStatusProviderProps {
  wsClient: TRPCWebSocketClient;
  children: ReactNode;
}

/** Tracks the WebSocket client's state and the browser's online flag, for `useConnectionStatus`. */
export function ConnectionStatusProvider({ wsClient, children }: ConnectionStatusProviderProps) {
  const [status, setStatus] = useState<ConnectionStatus>('connecting');

  useEffect(() => {
    const tracker = trackConnectionStatus(wsClient, setStatus, () => navigator.onLine);
    window.addEventListener('online', tracker.refresh);
    window.addEventListener('offline', tracker.refresh);
    return () => {
      tracker.stop();
      window.removeEventListener('online', tracker.refresh);
      window.removeEventListener('offline', tracker.refresh);
    };
  }, [wsClient]);

  return <ConnectionContext.Provider value={status}>{children}</ConnectionContext.Provider>;
}

/** The live connection's status, or undefined outside a `ConnectionStatusProvider`. */
export function useConnectionStatus(): ConnectionStatus | undefined {
  return useContext(ConnectionContext);
}
