'use client';

import { type ConnectionStatus, toConnectionStatus, type WsConnectionState } from '@jobstream/react';
import { useQueryClient } from '@tanstack/react-query';
import type { TRPCWebSocketClient } from '@trpc/client';
import { createContext, type ReactNode, useContext, useEffect, useState } from 'react';

/** Whether live updates flow, and since when that has been so. */
export interface LiveConnection {
  status: ConnectionStatus;
  /** When `status` last changed (ms since the epoch); undefined before the first change. */
  since: number | undefined;
}

const LiveConnectionContext = createContext<LiveConnection>({ status: 'connecting', since: undefined });

/** A socket that does not exist yet (the session comes first) is one still connecting. */
const NOT_YET: WsConnectionState = { type: 'state', state: 'connecting', error: null };

/**
 * Tracks the WebSocket client's state (from its first attempt; `connecting` while there is no client yet) and the
 * browser's online flag. When the connection comes back after a drop, every query is refreshed: whatever they show
 * may have changed while nothing was live.
 */
export function LiveConnectionProvider({
  wsClient,
  children,
}: {
  wsClient: TRPCWebSocketClient | undefined;
  children: ReactNode;
}) {
  const queryClient = useQueryClient();
  const [live, setLive] = useState<LiveConnection>({ status: 'connecting', since: undefined });

  useEffect(() => {
    let everConnected = false;
    let previous: ConnectionStatus | undefined;
    const update = () => {
      const state = wsClient?.connectionState.get() ?? NOT_YET;
      const reconnected = state.state === 'pending' && everConnected && previous !== 'connected';
      if (state.state === 'pending') everConnected = true;
      const status = toConnectionStatus(state, { everConnected, browserOnline: navigator.onLine });
      if (reconnected) void queryClient.invalidateQueries();
      if (status !== previous) setLive({ status, since: Date.now() });
      previous = status;
    };
    const subscription = wsClient?.connectionState.subscribe({ next: update });
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    update();
    return () => {
      subscription?.unsubscribe();
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, [wsClient, queryClient]);

  return <LiveConnectionContext.Provider value={live}>{children}</LiveConnectionContext.Provider>;
}

/** Whether live updates flow, and since when. */
export function useLiveConnection(): LiveConnection {
  return useContext(LiveConnectionContext);
}

/** True while a live connection was had and is now lost: what the page shows may be out of date. */
export function isNotLive(status: ConnectionStatus): boolean {
  return status === 'reconnecting' || status === 'offline';
}
