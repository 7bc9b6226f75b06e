import type { AppRouter } from '@jobstream/api';
import type { JobStreamEvent } from '@jobstream/contracts';
import type { TRPCClient, TRPCClientErrorLike } from '@trpc/client';
import { initialJobProgress, type JobProgressState, jobProgressReducer } from './job-progress-reducer';

/** One event of a job's stream as the subscription delivers it: the job's sequence number and the event. */
export interface TrackedJobEvent {
  id: string;
  data: JobStreamEvent;
}

/** What `followJob` reports. */
export interface FollowJobHandlers {
  /** An event that moved the job on, with the state it led to; an event replayed after a resume is never reported. */
  onEvent(event: TrackedJobEvent, state: JobProgressState): void;
  /** The subscription failed: NOT_FOUND for a job that is unknown or not the caller's. */
  onError(error: TRPCClientErrorLike<AppRouter>): void;
  /** The server ended the stream: after the job's terminal event, or early (then the state is not finished). */
  onComplete(state: JobProgressState): void;
}

/** A running `followJob`. */
export interface JobFollow {
  /** Everything known about the job so far. */
  readonly state: JobProgressState;
  /** Unsubscribes. */
  stop(): void;
}

/**
 * Follows one job over `upload.onProgress` without any framework: folds each event into the job's state with
 * `jobProgressReducer`. A WebSocket client resumes after the last tracked id when it reconnects; events the
 * reducer has already applied are dropped, so `onEvent` sees each event once.
 */
export function followJob(
  client: TRPCClient<AppRouter>,
  jobId: string,
  handlers: FollowJobHandlers,
  now: () => number = Date.now,
): JobFollow {
  let state = initialJobProgress(jobId);
  const subscription = client.upload.onProgress.subscribe(
    { jobId },
    {
      onData: ({ id, data }) => {
        const next = jobProgressReducer(state, { type: 'event', id, event: data, receivedAt: now() });
        if (next === state) return;
        state = next;
        handlers.onEvent({ id, data }, state);
      },
      onError: (error) => handlers.onError(error),
      onComplete: () => handlers.onComplete(state),
    },
  );
  return {
    get state() {
      return state;
    },
    stop: () => subscription.unsubscribe(),
  };
}
