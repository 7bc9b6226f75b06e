import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { follow, followToEnd, startTestServer, upload, usersCsv } from './fixtures';

type Server = Awaited<ReturnType<typeof startTestServer>>;

/** `ws`'s WebSocket sending a Cookie header on the upgrade, as a browser would for a same-site page. */
function webSocketWithCookie(cookie: string): typeof globalThis.WebSocket {
  class CookieWebSocket extends WebSocket {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols, { headers: { cookie } });
    }
  }
  return CookieWebSocket as unknown as typeof globalThis.WebSocket;
}

/** A tRPC client over HTTP sending `headers` (e.g. a Cookie) on every request. */
function httpClient(server: Server, headers: Record<string, string> = {}) {
  return createTRPCClient<AppRouter>({
    links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers })],
  });
}

/** A tRPC client over WebSocket authenticated by nothing but a Cookie header on the upgrade. */
function cookieWsClient(server: Server, cookie: string) {
  const ws = createWSClient({
    url: `${server.url.replace('http', 'ws')}/trpc`,
    WebSocket: webSocketWithCookie(cookie),
    retryDelayMs: () => 20,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] });
  return { trpc, ws, [Symbol.asyncDispose]: () => ws.close() };
}

/** POSTs `session.create` as tRPC's HTTP protocol does, returning the token and the Set-Cookie headers. */
async function createSession(server: Server): Promise<{ token: string; setCookie: string[]; status: number }> {
  const response = await fetch(`${server.url}/trpc/session.create`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: null }),
  });
  const body = (await response.json()) as { result: { data: { json: { token: string } } } };
  return { token: body.result.data.json.token, setCookie: response.headers.getSetCookie(), status: response.status };
}

describe('sessions', () => {
  it('session.create over HTTP returns a token and sets it as an HttpOnly, SameSite=Lax cookie', async () => {
    await using server = await startTestServer();
    const { token, setCookie, status } = await createSession(server);
    expect(status).toBe(200);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(setCookie).toHaveLength(1);
    const [cookie = ''] = setCookie;
    const [pair, ...attributes] = cookie.split(';').map((part) => part.trim());
    expect(pair).toBe(`jobstream_session=${token}`);
    expect(attributes).toContain('HttpOnly');
    expect(attributes).toContain('SameSite=Lax');
    expect(attributes).toContain('Path=/');
    expect(attributes).not.toContain('Secure');
    expect(await server.services.sessions.resolve(token)).toEqual(expect.any(String));
    const second = await createSession(server);
    expect(second.token).not.toBe(token);
  });

  it('marks the cookie Secure when COOKIE_SECURE is true', async () => {
    await using server = await startTestServer({ COOKIE_SECURE: 'true' });
    const { setCookie } = await createSession(server);
    expect(setCookie[0]?.split(';').map((part) => part.trim())).toContain('Secure');
  });

  it('a real httpLink client creates a session and reports it through session.current', async () => {
    await using server = await startTestServer();
    const { token } = await httpClient(server).session.create.mutate();
    expect(await httpClient(server).session.current.query()).toEqual({ active: false });
    expect(await httpClient(server, { authorization: `Bearer ${token}` }).session.current.query()).toEqual({
      active: true,
    });
    expect(await httpClient(server, { cookie: `jobstream_session=${token}` }).session.current.query()).toEqual({
      active: true,
    });
    expect(await httpClient(server, { cookie: 'jobstream_session=forged' }).session.current.query()).toEqual({
      active: false,
    });
    expect(await httpClient(server, { authorization: 'Bearer forged' }).session.current.query()).toEqual({
      active: false,
    });
  });

  it('the cookie alone authenticates an HTTP upload, errors.csv and a WebSocket subscription', async () => {
    await using server = await startTestServer();
    const { setCookie } = await createSession(server);
    const cookie = (setCookie[0] ?? '').split(';')[0] as string;

    const response = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/csv' },
      body: `${usersCsv(20)}bad,Bad,member\n`,
    });
    expect(response.status).toBe(201);
    const { jobId } = (await response.json()) as { jobId: string };

    await using client = cookieWsClient(server, cookie);
    expect(await client.trpc.session.current.query()).toEqual({ active: true });
    const got = follow(client, jobId);
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.errors).toEqual([]);
    expect(got.data.at(-1)).toMatchObject({
      event: 'upload-completed',
      payload: { jobId, processed: 21, inserted: 20, failed: 1 },
    });
    expect((await client.trpc.upload.list.query()).map((job) => job.jobId)).toEqual([jobId]);

    const csv = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, { headers: { cookie } });
    expect(csv.status).toBe(200);
    expect(await csv.text()).toContain('Row 21: email: Invalid email address');
  });

  it('a WebSocket with a forged cookie has no session', async () => {
    await using server = await startTestServer();
    await using client = cookieWsClient(server, 'jobstream_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    expect(await client.trpc.session.current.query()).toEqual({ active: false });
    await expect(client.trpc.upload.list.query()).rejects.toMatchObject({ data: { code: 'UNAUTHORIZED' } });
  });

  it('session.create over WebSocket returns a token (no cookie there) that then authenticates uploads', async () => {
    await using server = await startTestServer();
    await using client = cookieWsClient(server, '');
    expect(await client.trpc.session.current.query()).toEqual({ active: false });
    const { token } = await client.trpc.session.create.mutate();
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await upload(server, { token, body: usersCsv(2) });
    expect(res.status).toBe(201);
    const owner = cookieWsClient(server, `jobstream_session=${token}`);
    const got = await followToEnd({ ...owner, token }, res.body.jobId as string);
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { inserted: 2 } });
    await owner[Symbol.asyncDispose]();
  });

  it('rejects an upload without a session, and with an unknown one', async () => {
    await using server = await startTestServer();
    expect(await upload(server, { body: usersCsv(1) })).toEqual({
      status: 401,
      body: { error: 'No session: call session.create first' },
    });
    expect((await upload(server, { token: 'A'.repeat(43), body: usersCsv(1) })).status).toBe(401);
    const cookieOnly = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { cookie: 'jobstream_session=forged', 'content-type': 'text/csv' },
      body: usersCsv(1),
    });
    expect(cookieOnly.status).toBe(401);
  });
});
