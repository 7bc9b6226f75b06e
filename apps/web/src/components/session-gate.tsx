'use client';

import type { ReactNode } from 'react';
import { useSession } from './session-context';
import { StatePanel } from './state-panel';
import { UnreachablePanel } from './unreachable-panel';

/** Renders its children once the session exists; while it is being established (or retried), a panel saying so. */
export function SessionGate({ children, headingLevel }: { children: ReactNode; headingLevel?: 1 | 2 }) {
  const session = useSession();
  if (session.kind === 'ready') return children;
  if (session.kind === 'pending') return <StatePanel tone="loading" title="Connecting…" headingLevel={headingLevel} />;
  return <UnreachablePanel onRetry={session.retry} headingLevel={headingLevel} />;
}
