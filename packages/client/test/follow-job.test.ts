import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import type { ConnectionStatus } from '../src/connection-status';
import { trackConnectionStatus } from '../src/connection-tracker';
import { createJobstreamHttpClient } from '../src/create-clients';
import { type FollowJobHandlers, followJob, type TrackedJobEvent } from '../src/follow-job';
import type { JobProgressState } from '../src/job-progress-reducer';
import { createSessionToken, isSessionActive } from '../src/session-token';
import { trpcErrorCode } from '../src/trpc-error-code';
import { clientsOf, completeJob, epochOf, progressOf, startJob, startLiveServer } from './live-server';

/** Handlers that record what `followJob` reports. */
function recorder() {
  const seen = {
    events: [] as TrackedJobEvent[],
    errors: [] as unknown[],
    completed: undefined as JobProgressState | undefined,
  };
  const handlers: FollowJobHandlers = {
    onEvent: (event) => seen.events.push(event),
    onError: (error) => seen.errors.push(error),
    onComplete: (state) => {
      seen.completed = state;
    },
  };
  return { seen, handlers };
}

const A = 'Row 3: email: Invalid email address';
const B = 'Row 9: name: is required';

describe('sessions by token', () => {
  it('creates a session whose token authenticates HTTP calls, and tells a forgotten token from a valid one', async () => {
    await using server = await startLiveServer();
    const httpUrl = `${server.url}/trpc`;
    const token = await createSessionToken(httpUrl);
    expect(await isSessionActive(httpUrl, token)).toBe(true);
    expect(await isSessionActive(httpUrl, 'not-a-token')).toBe(false);

    const jobId = await startJob(server, token);
    const mine = createJobstreamHttpClient({ httpUrl, token });
    expect((await mine.upload.list.query()).map((job) => job.jobId)).toEqual([jobId]);
    const anonymous = createJobstreamHttpClient({ httpUrl });
    const refused = await anonymous.upload.list.query().catch((error: unknown) => error);
    expect(trpcErrorCode(refused)).toBe('UNAUTHORIZED');
  });
});

describe('followJob against the real API server', () => {
  it('folds every event into the state and ends with the result', async () => {
    await using server = await startLiveServer();
    const token = (await server.services.sessions.create()).token;
    await using clients = clientsOf(server, token);
    const jobId = await startJob(server, token);
    const { seen, handlers } = recorder();
    const follow = followJob(clients.trpcClient, jobId, handlers);
    await waitFor(() => expect(seen.events).toHaveLength(1));
    expect(seen.events[0]).toMatchObject({
      id: `${await epochOf(server, jobId)}:1`,
      data: { event: 'upload-progress', snapshot: true },
    });

    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 40, [A]));
    completeJob(server, jobId, [A, B]);
    await waitFor(() => expect(seen.completed).toBeDefined());
    const epoch = await epochOf(server, jobId);
    expect(seen.events.map((event) => event.id)).toEqual([1, 2, 3].map((seq) => `${epoch}:${seq}`));
    expect(follow.state).toMatchObject({
      status: 'completed',
      progress: 100,
      errors: [A, B],
      lastEventId: `${await epochOf(server, jobId)}:3`,
    });
    expect(follow.state.result).toMatchObject({ inserted: 998, failed: 2 });
    expect(seen.completed).toBe(follow.state);
    expect(seen.errors).toEqual([]);
  });

  it('resumes after a dropped connection from the last event id, reporting each event once', async () => {
    await using server = await startLiveServer();
    const token = (await server.services.sessions.create()).token;
    await using clients = clientsOf(server, token);
    const statuses: ConnectionStatus[] = [];
    const tracker = trackConnectionStatus(clients.wsClient, (status) => statuses.push(status));
    const jobId = await startJob(server, token);
    const { seen, handlers } = recorder();
    followJob(clients.trpcClient, jobId, handlers);
    await waitFor(() => expect(seen.events).toHaveLength(1));
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 10));
    await waitFor(() => expect(seen.events).toHaveLength(2));

    server.testing.dropConnections();
    await waitFor(() => expect(statuses).toContain('reconnecting'));
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 20, [A]));
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 30, [A, B]));
    await waitFor(() => expect(statuses.at(-1)).toBe('connected'));
    completeJob(server, jobId, [A, B]);
    await waitFor(() => expect(seen.completed).toBeDefined());
    tracker.stop();

    const epoch = await epochOf(server, jobId);
    expect(seen.events.map((event) => event.id)).toEqual([1, 2, 3, 4, 5].map((seq) => `${epoch}:${seq}`));
    expect(seen.events.filter((event) => event.data.snapshot)).toHaveLength(1);
    expect(statuses).toEqual(['connecting', 'connected', 'reconnecting', 'connected']);
  });

  it('reports NOT_FOUND for a job of another session, and nothing else', async () => {
    await using server = await startLiveServer();
    const owner = (await server.services.sessions.create()).token;
    const jobId = await startJob(server, owner);
    await using stranger = clientsOf(server, (await server.services.sessions.create()).token);
    const { seen, handlers } = recorder();
    followJob(stranger.trpcClient, jobId, handlers);
    await waitFor(() => expect(seen.errors).toHaveLength(1));
    expect(trpcErrorCode(seen.errors[0])).toBe('NOT_FOUND');
    expect(seen.events).toEqual([]);
  });
});
