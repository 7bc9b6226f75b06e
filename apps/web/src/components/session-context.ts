'use client';

import { createContext, useContext } from 'react';

/** Where establishing the browser's session stands; after a failure it is tried again by itself, `retry` tries now. */
export type SessionState = { kind: 'pending' } | { kind: 'ready' } | { kind: 'error'; retry: () => void };

/** The session's state, provided by `Providers`. */
export const SessionContext = createContext<SessionState>({ kind: 'pending' });

/** The session's state. */
export function useSession(): SessionState {
  return useContext(SessionContext);
}
