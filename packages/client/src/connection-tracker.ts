import type { TRPCWebSocketClient } from '@trpc/client';
import { type ConnectionStatus, toConnectionStatus } from './connection-status';

/** A running `trackConnectionStatus`. */
export interface ConnectionTracker {
  /** Reads the state again, e.g. when the browser goes on- or offline. */
  refresh(): void;
  /** Stops listening to the client. */
  stop(): void;
}

/**
 * Reports a WebSocket client's state as a `ConnectionStatus`: at once, then on every change of status.
 * `online` says whether the machine is online (`navigator.onLine` in a browser; always true by default).
 */
export function trackConnectionStatus(
  wsClient: TRPCWebSocketClient,
  onStatus: (status: ConnectionStatus) => void,
  online: () => boolean = () => true,
): ConnectionTracker {
  let everConnected = false;
  let last: ConnectionStatus | undefined;
  const refresh = () => {
    const state = wsClient.connectionState.get();
    if (state.state === 'pending') everConnected = true;
    const status = toConnectionStatus(state, { everConnected, browserOnline: online() });
    if (status === last) return;
    last = status;
    onStatus(status);
  };
  const subscription = wsClient.connectionState.subscribe({ next: refresh });
  refresh();
  return { refresh, stop: () => subscription.unsubscribe() };
}
