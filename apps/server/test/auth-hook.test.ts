import type { IncomingMessage } from 'node:http';
import type { AppRouter, Caller } from '@jobstream/api';
import type { JobRecord } from '@jobstream/storage';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiServer, ServerAuth } from '../src/api-server';
import { follow, sseClient, startJob, startTestServer } from './fixtures';
import { openRawClient } from './raw-client';

/** The host's caller: its user id as the owner of uploads, plus a flag the host's rules read. */
interface TeamCaller extends Caller {
  suspended: boolean;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === 'string' ? value : undefined;
}

/** A host app's auth as a class: users named by a header (or a connection param), auditors see every job, viewers never upload. */
class HeaderAuth implements ServerAuth<TeamCaller> {
  private readonly auditors = new Set(['user:audrey']);
  private readonly viewers = new Set(['user:vera']);

  identify(req: IncomingMessage, connectionParams?: Record<string, string | undefined> | null): TeamCaller {
    const user = header(req, 'x-user') ?? connectionParams?.user;
    return { sessionId: user ? `user:${user}` : null, suspended: header(req, 'x-suspended') === 'yes' };
  }

  canAccess(caller: TeamCaller, job: JobRecord): boolean {
    if (caller.suspended || caller.sessionId === null) return false;
    return caller.sessionId === job.owner || this.auditors.has(caller.sessionId);
  }

  canUpload(caller: TeamCaller): boolean {
    return !this.viewers.has(caller.sessionId ?? '');
  }
}

function httpAs(server: ApiServer, headers: Record<string, string>) {
  const url = `${server.url}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url, transformer: superjson, headers })],
  });
}

async function uploadAs(server: ApiServer, headers: Record<string, string>, csv: string) {
  const res = await fetch(`${server.url}/uploads?template=users`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'text/csv' },
    body: csv,
  });
  return { status: res.status, body: (await res.json()) as { jobId?: string; error?: string } };
}

const CSV = 'email,name,role\nok@example.com,Fine,member\nbad,Broken,member\n';

describe('one auth hook, `startApiServer({ auth })`, on every path', () => {
  it('decides uploads, get, list, cancel, errors.csv and onProgress over WebSocket and SSE', async () => {
    await using server = await startTestServer({}, { auth: new HeaderAuth() });
    const alice = { 'x-user': 'alice' };
    const bob = { 'x-user': 'bob' };
    const audrey = { 'x-user': 'audrey' };
    const suspendedAlice = { 'x-user': 'alice', 'x-suspended': 'yes' };

    // Upload creation: identify names the owner, canUpload may refuse an identified caller.
    const created = await uploadAs(server, alice, CSV);
    expect(created.status).toBe(201);
    const jobId = created.body.jobId as string;
    expect((await server.services.jobs.get(jobId))?.owner).toBe('user:alice');
    expect(await uploadAs(server, { 'x-user': 'vera' }, CSV)).toEqual({
      status: 403,
      body: { error: 'Not allowed to upload' },
    });
    expect((await uploadAs(server, {}, CSV)).status).toBe(401);
    await waitFor(async () =>
      expect((await httpAs(server, alice).upload.get.query({ jobId })).status).toBe('completed'),
    );

    // upload.get and upload.cancel: canAccess, including the host's own fields on its caller.
    expect((await httpAs(server, audrey).upload.get.query({ jobId })).jobId).toBe(jobId);
    for (const who of [bob, suspendedAlice]) {
      await expect(httpAs(server, who).upload.get.query({ jobId })).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
      });
      await expect(httpAs(server, who).upload.cancel.mutate({ jobId })).rejects.toMatchObject({
        data: { code: 'NOT_FOUND' },
      });
    }
    expect(await httpAs(server, audrey).upload.cancel.mutate({ jobId })).toEqual({ cancelled: false });

    // upload.list: the caller's own jobs, each one passing canAccess.
    expect((await httpAs(server, alice).upload.list.query()).map((job) => job.jobId)).toEqual([jobId]);
    expect(await httpAs(server, suspendedAlice).upload.list.query()).toEqual([]);
    expect(await httpAs(server, bob).upload.list.query()).toEqual([]);

    // errors.csv.
    const download = (headers: Record<string, string>) =>
      fetch(`${server.url}/uploads/${jobId}/errors.csv`, { headers }).then(async (res) => ({
        status: res.status,
        body: await res.text(),
      }));
    const own = await download(alice);
    expect(own.status).toBe(200);
    expect(own.body).toContain('Row 2: email: Invalid email address');
    expect((await download(audrey)).status).toBe(200);
    expect(await download(bob)).toEqual({ status: 404, body: '{"error":"Not found"}' });
    expect((await download(suspendedAlice)).status).toBe(404);

    // onProgress over WebSocket (the native path), identified by the upgrade's headers.
    const subscribeWs = async (headers: Record<string, string>) => {
      await using raw = await openRawClient(server.url, 'unused', headers);
      raw.subscribe(1, jobId);
      await waitFor(() => expect(raw.received.some((m) => m.error || m.result?.type === 'stopped')).toBe(true));
      return {
        event: raw.received.find((m) => m.result?.type === 'data')?.result?.data?.json.data.event,
        error: raw.received.find((m) => m.error)?.error?.json.data.code,
      };
    };
    expect(await subscribeWs(alice)).toEqual({ event: 'upload-completed', error: undefined });
    expect(await subscribeWs(audrey)).toEqual({ event: 'upload-completed', error: undefined });
    expect(await subscribeWs(bob)).toEqual({ event: undefined, error: 'NOT_FOUND' });
    expect(await subscribeWs(suspendedAlice)).toEqual({ event: undefined, error: 'NOT_FOUND' });

    // ... identified by connection params instead.
    const wsClient = createWSClient({
      url: `${server.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { user: 'alice' },
    });
    const byParams = follow(
      { trpc: createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] }) },
      jobId,
    );
    await waitFor(() => expect(byParams.done).toBe(true));
    expect(byParams.data.map((d) => d.event)).toEqual(['upload-completed']);
    await wsClient.close();

    // onProgress over SSE (the procedure's generator).
    const sseOwn = follow({ trpc: sseClient(server.url, alice) }, jobId);
    const sseStranger = follow({ trpc: sseClient(server.url, bob) }, jobId);
    await waitFor(() => expect(sseOwn.data.map((d) => d.event)).toEqual(['upload-completed']));
    await waitFor(() => expect(sseStranger.errors).toHaveLength(1));
    expect(sseStranger.errors[0]).toMatchObject({ data: { code: 'NOT_FOUND' } });
    expect(sseStranger.data).toEqual([]);
    sseOwn.unsubscribe();
  });

  it('keeps the built-in rules for the members a host leaves out', async () => {
    await using server = await startTestServer({}, { auth: { canUpload: () => false } });
    const { token } = await server.services.sessions.create();
    expect(await uploadAs(server, { authorization: `Bearer ${token}` }, CSV)).toEqual({
      status: 403,
      body: { error: 'Not allowed to upload' },
    });
    expect((await uploadAs(server, {}, CSV)).status).toBe(401);
    const jobId = await startJob(server, token);
    const stranger = (await server.services.sessions.create()).token;
    expect((await httpAs(server, { authorization: `Bearer ${token}` }).upload.get.query({ jobId })).jobId).toBe(jobId);
    await expect(
      httpAs(server, { authorization: `Bearer ${stranger}` }).upload.get.query({ jobId }),
    ).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
  });
});
