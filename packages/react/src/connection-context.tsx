'use client';

import { type ConnectionStatus, toConnectionStatus } from '@jobstream/client';
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
    let everConnected = false;
    const update = () => {
      const state = wsClient.connectionState.get();
      if (state.state === 'pending') everConnected = true;
      setStatus(toConnectionStatus(state, { everConnected, browserOnline: navigator.onLine }));
    };
    const subscription = wsClient.connectionState.subscribe({ next: update });
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      subscription.unsubscribe();
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, [wsClient]);

  return <ConnectionContext.Provider value={status}>{children}</ConnectionContext.Provider>;
}

/** The live connection's status, or undefined outside a `ConnectionStatusProvider`. */
export function useConnectionStatus(): ConnectionStatus | undefined {
  return useContext(ConnectionContext);
}
