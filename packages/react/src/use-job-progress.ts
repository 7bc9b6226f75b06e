'use client';

import type { AppRouter } from '@jobstream/api';
import {
  type ConnectionStateLike,
  type ConnectionStatus,
  initialJobProgress,
  isFinished,
  type JobProgressState,
  jobEstimate,
  jobProgressReducer,
  toConnectionStatus,
} from '@jobstream/client';
import { skipToken } from '@tanstack/react-query';
import type { TRPCClientErrorLike } from '@trpc/client';
import { useSubscription } from '@trpc/tanstack-react-query';
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import { useConnectionStatus } from './connection-context';
import { useTRPC } from './trpc-context';

/** An error of the progress subscription, as tRPC reports it. */
export type JobProgressError = TRPCClientErrorLike<AppRouter>;

/** One job's live state, as `useJobProgress` returns it: the accumulated events plus connection, rate and ETA. */
export interface JobProgress
  extends Pick<
    JobProgressState,
    | 'status'
    | 'templateName'
    | 'progress'
    | 'message'
    | 'processed'
    | 'total'
    | 'errors'
    | 'result'
    | 'failure'
    | 'lastEventId'
  > {
  /** The live connection's status. */
  connection: ConnectionStatus;
  /** Smoothed rows per second, once a few samples back it. */
  rate: number | undefined;
  /** Estimated milliseconds left, once meaningful. */
  eta: number | undefined;
  /** The subscription's error (NOT_FOUND for a job that is not the caller's or unknown), if it ended in one. */
  error: JobProgressError | null;
  /** Resubscribes after an error, resuming after the last event received. */
  retry: () => void;
}

/** Options of `useJobProgress`. */
export interface UseJobProgressOptions {
  /** Set false to hold the subscription (default true). */
  enabled?: boolean;
}

interface OwnConnection {
  state: ConnectionStateLike;
  everConnected: boolean;
}

function browserOnline(): boolean {
  return typeof navigator === 'undefined' || navigator.onLine;
}

/**
 * Follows one job live over the `upload.onProgress` subscription: accumulates its events into a state (the
 * subscription's own `data` is only the last event), resumes after the last tracked id when the socket
 * reconnects, and estimates rate and ETA. Needs `TRPCProvider`; `ConnectionStatusProvider` is optional.
 */
export function useJobProgress(jobId: string | undefined, options: UseJobProgressOptions = {}): JobProgress {
  const trpc = useTRPC();
  const [stored, dispatch] = useReducer(jobProgressReducer, jobId, initialJobProgress);
  const state = stored.jobId === jobId ? stored : initialJobProgress(jobId);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [resumeFrom, setResumeFrom] = useState<string | undefined>(undefined);
  const [own, setOwn] = useState<OwnConnection | undefined>(undefined);

  useEffect(() => {
    dispatch({ type: 'reset', jobId });
    setResumeFrom(undefined);
  }, [jobId]);

  const enabled = options.enabled !== false && jobId !== undefined && !isFinished(state);
  const input = jobId === undefined ? skipToken : { jobId, ...(resumeFrom ? { lastEventId: resumeFrom } : {}) };
  const subscription = useSubscription(
    trpc.upload.onProgress.subscriptionOptions(input, {
      enabled,
      onData: (tracked) => dispatch({ type: 'event', id: tracked.id, event: tracked.data, receivedAt: Date.now() }),
      onConnectionStateChange: (next) =>
        setOwn((prev) => ({
          state: { state: next.state, error: next.error },
          everConnected: (prev?.everConnected ?? false) || next.state === 'pending',
        })),
    }),
  );

  const { reset } = subscription;
  const retry = useCallback(() => {
    const from = stateRef.current.lastEventId;
    if (from === resumeFrom) reset();
    else setResumeFrom(from);
  }, [reset, resumeFrom]);

  const shared = useConnectionStatus();
  const connection =
    shared ??
    (own
      ? toConnectionStatus(own.state, { everConnected: own.everConnected, browserOnline: browserOnline() })
      : 'connecting');
  const finished = isFinished(state);
  const { rate, eta } = jobEstimate(state);

  return {
    status: state.status,
    templateName: state.templateName,
    progress: state.progress,
    message: state.message,
    processed: state.processed,
    total: state.total,
    errors: state.errors,
    result: state.result,
    failure: state.failure,
    connection,
    rate,
    eta,
    lastEventId: state.lastEventId,
    error: finished ? null : subscription.error,
    retry,
  };
}
