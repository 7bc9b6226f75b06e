import type { IncomingMessage } from 'node:http';
import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, httpLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import type { IdentifyCaller } from '../src/index';
import { startTestServer, usersCsv } from './fixtures';
import { openRawClient } from './raw-client';

const byUserHeader: IdentifyCaller = (req: IncomingMessage) => {
  const user = req.headers['x-user'];
  return { sessionId: typeof user === 'string' ? `user:${user}` : null };
};

function httpClient(url: string, user: string) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { 'x-user': user } })],
  });
}

describe('a host app’s own identity through the identify hook', () => {
  it('identifies uploads, queries and WebSocket subscriptions by the host’s header, and scopes jobs to it', async () => {
    await using server = await startTestServer({}, { auth: { identify: byUserHeader } });
    const response = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { 'x-user': 'alice', 'content-type': 'text/csv' },
      body: usersCsv(3),
    });
    expect(response.status).toBe(201);
    const { jobId } = (await response.json()) as { jobId: string };

    await waitFor(async () =>
      expect((await httpClient(server.url, 'alice').upload.get.query({ jobId })).status).toBe('completed'),
    );
    expect((await httpClient(server.url, 'alice').upload.list.query()).map((job) => job.jobId)).toEqual([jobId]);
    await expect(httpClient(server.url, 'bob').upload.get.query({ jobId })).rejects.toMatchObject({
      data: { code: 'NOT_FOUND' },
    });

    await using alice = await openRawClient(server.url, 'unused', { 'x-user': 'alice' });
    alice.subscribe(1, jobId);
    await waitFor(() => expect(alice.received.at(-1)?.result?.type).toBe('stopped'));
    expect(alice.received.find((m) => m.result?.type === 'data')?.result?.data?.json.data.event).toBe(
      'upload-completed',
    );
    await using bob = await openRawClient(server.url, 'unused', { 'x-user': 'bob' });
    bob.subscribe(1, jobId);
    await waitFor(() => expect(bob.received.find((m) => m.error)?.error?.json.data.code).toBe('NOT_FOUND'));
    expect(bob.received.some((m) => m.result?.type === 'data')).toBe(false);
  });
});
