import type { TRPCWebSocketClient } from '@trpc/client';

/** What the user is told about the live connection. */
export type ConnectionStatus = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** The WebSocket client's own state, as its `connectionState` observable reports it. */
export type WsConnectionState = ReturnType<TRPCWebSocketClient['connectionState']['get']>;

/** The part of a connection state the status depends on; any tRPC connection state fits. */
export interface ConnectionStateLike {
  state: WsConnectionState['state'];
  error: unknown;
}

/** Facts besides the socket's state that decide the status. */
export interface ConnectionFacts {
  /** The socket was open at least once. */
  everConnected: boolean;
  /** `navigator.onLine`. */
  browserOnline: boolean;
}

/** Maps the socket's state to a status: offline when the browser is or the socket is closed for good, reconnecting after a drop or a failed attempt. */
export function toConnectionStatus(state: ConnectionStateLike, facts: ConnectionFacts): ConnectionStatus {
  if (!facts.browserOnline) return 'offline';
  switch (state.state) {
    case 'pending':
      return 'connected';
    case 'idle':
      return facts.everConnected ? 'offline' : 'connecting';
    case 'connecting':
      return facts.everConnected || state.error != null ? 'reconnecting' : 'connecting';
  }
}
