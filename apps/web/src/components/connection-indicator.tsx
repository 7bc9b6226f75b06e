'use client';

import { type ConnectionStatus, useConnectionStatus } from '@jobstream/react';

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

/** A dot and a word telling whether live updates flow, from the WebSocket client's state. */
export function ConnectionIndicator() {
  const status = useConnectionStatus() ?? 'connecting';
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
