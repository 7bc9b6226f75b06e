'use client';

import { retryDelayMs } from '@jobstream/react';
import { useEffect, useMemo, useState } from 'react';
import { ensureBrowserSession } from '@/lib/browser-session';
import { QUERY_RETRY } from '@/lib/query-client';
import type { SessionState } from './session-context';

/**
 * Establishes the browser's session, trying again after a failure with jittered backoff (and at once when the
 * browser comes back online) until the server answers; a failed state stays shown while the next try runs.
 */
export function useBrowserSession(): SessionState {
  const [kind, setKind] = useState<SessionState['kind']>('pending');
  const [attempt, setAttempt] = useState(0);

  useEffect(() => {
    let current = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const retryNow = () => current && setAttempt((n) => n + 1);
    ensureBrowserSession().then(
      () => current && setKind('ready'),
      () => {
        if (!current) return;
        setKind('error');
        timer = setTimeout(retryNow, retryDelayMs(attempt, Math.random, QUERY_RETRY));
        window.addEventListener('online', retryNow, { once: true });
      },
    );
    return () => {
      current = false;
      clearTimeout(timer);
      window.removeEventListener('online', retryNow);
    };
  }, [attempt]);

  return useMemo<SessionState>(
    () => (kind === 'error' ? { kind, retry: () => setAttempt((n) => n + 1) } : { kind }),
    [kind],
  );
}
