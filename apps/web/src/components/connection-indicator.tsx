'use client';

import { type ConnectionStatus, useConnectionStatus } from '@jobstream/react';
import { useSession } from './session-context';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const HINTS: Record<ConnectionStatus, string> = {
  connecting: 'Opening the live connection',
  connected: 'Live updates are on',
  reconnecting: 'The live connection dropped; reconnecting and catching up',
  offline: 'No connection; updates resume when it is back',
};

/** A dot and a word telling whether live updates flow: the WebSocket client's state, or the session's before it exists. */
export function ConnectionIndicator() {
  const session = useSession();
  const status = useConnectionStatus() ?? (session.kind === 'error' ? 'offline' : 'connecting');
  return (
    <output
      className={`connection connection--${status}`}
      data-status={status}
      title={HINTS[status]}
      aria-live="polite"
    >
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{LABELS[status]}</span>
    </output>
  );
}
