'use client';

import { createContext, useContext } from 'react';

/** Where establishing the browser's session stands. */
export type SessionState =
  | { kind: 'pending' }
  | { kind: 'ready' }
  | { kind: 'error'; message: string; retry: () => void };

/** The session's state, provided by `Providers`. */
export const SessionContext = createContext<SessionState>({ kind: 'pending' });

/** The session's state. */
export function useSession(): SessionState {
  return useContext(SessionContext);
}
