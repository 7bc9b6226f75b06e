import {
  createJobstreamClients,
  followJob,
  isFinished,
  type JobProgressState,
  trackConnectionStatus,
} from '@jobstream/client';
import { UploadStatus } from '@jobstream/contracts';
import { WebSocket } from 'ws';
import type { CliContext } from './context';
import { CliError, ExitCode } from './exit-codes';

/** How a followed job is left. */
export interface FollowSettings {
  /** Ctrl-C cancels the job (then waits for its end) instead of detaching from it. */
  cancelOnInterrupt: boolean;
  /** How long the connection may stay lost before the command gives up with exit 3, ms. */
  reconnectTimeoutMs: number;
}

/** How following ended. */
type Outcome =
  | { kind: 'ended'; state: JobProgressState }
  | { kind: 'cut' }
  | { kind: 'detached' }
  | { kind: 'lost' }
  | { kind: 'failed'; error: unknown };

/**
 * Follows job `jobId` to its end over one WebSocket, reporting each event once to the output (the client resumes
 * after the last event id whenever the connection comes back). Resolves with the exit code: 0 completed,
 * 1 failed or cancelled, 130 detached by Ctrl-C. Every subscription, listener and timer is released on the way out.
 */
export async function followToEnd(
  context: CliContext,
  token: string,
  jobId: string,
  settings: FollowSettings,
  interrupt: AbortSignal,
): Promise<ExitCode> {
  const { server, output } = context;
  const clients = createJobstreamClients({
    httpUrl: server.httpUrl,
    wsUrl: server.wsUrl,
    token,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
  });
  let settle: (outcome: Outcome) => void = () => {};
  const outcome = new Promise<Outcome>((resolve) => {
    settle = resolve;
  });

  let lostTimer: NodeJS.Timeout | undefined;
  let wasConnected = false;
  const tracker = trackConnectionStatus(clients.wsClient, (status) => {
    if (status === 'connected') {
      clearTimeout(lostTimer);
      lostTimer = undefined;
    } else if (status === 'reconnecting' && !lostTimer) {
      lostTimer = setTimeout(() => settle({ kind: 'lost' }), settings.reconnectTimeoutMs);
    }
    if (wasConnected || status === 'reconnecting') output.connection(status);
    wasConnected ||= status === 'connected';
  });
  const follow = followJob(clients.trpcClient, jobId, {
    onEvent: (event, state) => {
      output.jobEvent(event, state);
      if (isFinished(state)) settle({ kind: 'ended', state });
    },
    onError: (error) => settle({ kind: 'failed', error }),
    onComplete: (state) => settle(isFinished(state) ? { kind: 'ended', state } : { kind: 'cut' }),
  });
  const onInterrupt = () => {
    if (!settings.cancelOnInterrupt) return settle({ kind: 'detached' });
    output.note(`Cancelling job ${jobId}…`);
    clients.trpcClient.upload.cancel.mutate({ jobId }).catch((error: unknown) => settle({ kind: 'failed', error }));
  };
  if (interrupt.aborted) onInterrupt();
  else interrupt.addEventListener('abort', onInterrupt, { once: true });

  try {
    const result = await outcome;
    switch (result.kind) {
      case 'ended':
        output.jobEnded(result.state);
        return result.state.status === UploadStatus.COMPLETED ? ExitCode.OK : ExitCode.FAILED;
      case 'detached':
        output.detached(jobId);
        return ExitCode.INTERRUPTED;
      case 'lost':
        throw new CliError(
          ExitCode.UNAVAILABLE,
          `Lost the connection to ${server.base} for ${settings.reconnectTimeoutMs / 1000} s; gave up`,
          `The job may still be running. Watch it again with: ${context.hints.watch(jobId)}`,
        );
      case 'cut':
        throw new CliError(
          ExitCode.FAILED,
          `The server ended job ${jobId}'s stream before the job ended`,
          `Watch it again with: ${context.hints.watch(jobId)}`,
        );
      case 'failed':
        throw result.error;
    }
  } finally {
    interrupt.removeEventListener('abort', onInterrupt);
    clearTimeout(lostTimer);
    follow.stop();
    tracker.stop();
    output.close();
    await clients.wsClient.close();
  }
}
