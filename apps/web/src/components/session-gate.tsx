'use client';

import type { ReactNode } from 'react';
import { useSession } from './session-context';
import { StatePanel } from './state-panel';

/** Renders its children once the session exists; a loading or error state before. */
export function SessionGate({ children }: { children: ReactNode }) {
  const session = useSession();
  if (session.kind === 'ready') return children;
  if (session.kind === 'pending') return <StatePanel tone="loading" title="Connecting…" />;
  return (
    <StatePanel tone="error" title="Cannot reach jobstream" onRetry={session.retry}>
      <p>{session.message} Check that the API server is running, then try again.</p>
    </StatePanel>
  );
}
