'use client';

import type { ConnectionStatus } from '@jobstream/react';
import { useLiveConnection } from './live-connection';

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  offline: 'Offline',
};

const HINTS: Record<ConnectionStatus, string> = {
  connecting: 'Connecting to jobstream',
  connected: 'Updates appear as they happen',
  reconnecting: 'The connection dropped. Reconnecting; updates continue once it is back',
  offline: 'This device is offline. Updates continue once it is back online',
};

/** The one place that says whether live updates flow, as a dot and a word. */
export function ConnectionIndicator() {
  const { status } = useLiveConnection();
  return (
    <output className={`connection connection--${status}`} data-status={status} title={HINTS[status]}>
      <span className="connection__dot" aria-hidden="true" />
      <span className="connection__label">{LABELS[status]}</span>
    </output>
  );
}
