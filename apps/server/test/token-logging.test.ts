import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, createWSClient, httpLink, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../src/index';
import { follow, startTestServer, usersCsv } from './fixtures';

/** A well-formed token (43 base64url characters) that names no session. */
const UNKNOWN_TOKEN = 'A'.repeat(43);

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', destination: { write: (line) => void lines.push(line) } }) };
}

describe('session tokens in the server log', () => {
  it('never appear, at debug level, through a whole session: HTTP, cookie, URL params, WebSocket, failed auth', async () => {
    const { lines, logger } = capture();
    await using server = await startTestServer({}, { logger });
    const created = await fetch(`${server.url}/trpc/session.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = ((await created.json()) as { result: { data: { json: { token: string } } } }).result.data.json;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const bearer = { authorization: `Bearer ${token}` };

    const uploaded = await fetch(`${server.url}/uploads?template=users&token=${token}`, {
      method: 'POST',
      headers: { ...bearer, 'content-type': 'text/csv' },
      body: `${usersCsv(2)}bad,Broken,member\n`,
    });
    expect(uploaded.status).toBe(201);
    const { jobId } = (await uploaded.json()) as { jobId: string };

    const http = createTRPCClient<AppRouter>({
      links: [httpLink({ url: `${server.url}/trpc`, transformer: superjson, headers: bearer })],
    });
    await waitFor(async () => expect((await http.upload.get.query({ jobId })).status).toBe('completed'));
    expect((await http.upload.list.query()).map((job) => job.jobId)).toEqual([jobId]);
    expect((await fetch(`${server.url}/uploads/${jobId}/errors.csv`, { headers: bearer })).status).toBe(200);

    const current = async (init: { headers?: Record<string, string>; query?: string }) => {
      const res = await fetch(`${server.url}/trpc/session.current${init.query ?? ''}`, { headers: init.headers });
      return ((await res.json()) as { result: { data: { json: { active: boolean } } } }).result.data.json.active;
    };
    expect(await current({ headers: { cookie: `jobstream_session=${token}` } })).toBe(true);
    const inUrl = `?connectionParams=${encodeURIComponent(JSON.stringify({ token }))}`;
    expect(await current({ query: inUrl })).toBe(true);

    const wsClient = createWSClient({
      url: `${server.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token },
    });
    const ws = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
    expect((await ws.session.current.query()).active).toBe(true);
    const got = follow({ trpc: ws }, jobId);
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.errors).toEqual([]);
    await wsClient.close();

    // Failed authentication, every way in.
    expect(await current({ headers: { authorization: `Bearer ${UNKNOWN_TOKEN}` } })).toBe(false);
    expect(
      await current({ query: `?connectionParams=${encodeURIComponent(JSON.stringify({ token: UNKNOWN_TOKEN }))}` }),
    ).toBe(false);
    const refused = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${UNKNOWN_TOKEN}`, 'content-type': 'text/csv' },
      body: usersCsv(1),
    });
    expect(refused.status).toBe(401);
    const badWs = createWSClient({
      url: `${server.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
      connectionParams: { token: UNKNOWN_TOKEN },
    });
    const stranger = createTRPCClient<AppRouter>({ links: [wsLink({ client: badWs, transformer: superjson })] });
    await expect(stranger.upload.get.query({ jobId })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await badWs.close();
    const otherOrigin = await fetch(`${server.url}/trpc/session.current`, {
      headers: { ...bearer, origin: 'http://evil.example' },
    });
    expect(otherOrigin.status).toBe(403);

    // The log saw all of it (one line per request at debug level) and none of the secrets.
    const requests = lines.map((line) => JSON.parse(line) as { msg: string; path?: string });
    expect(requests.filter((entry) => entry.msg === 'request').map((entry) => entry.path)).toEqual(
      expect.arrayContaining([
        '/trpc/session.create',
        '/uploads',
        `/uploads/${jobId}/errors.csv`,
        '/trpc/session.current',
      ]),
    );
    for (const secret of [token, UNKNOWN_TOKEN]) {
      expect(lines.filter((line) => line.includes(secret))).toEqual([]);
    }
  });

  it('redacts credential fields and URL queries whatever a caller of the logger passes', () => {
    const { lines, logger } = capture();
    logger.error(
      {
        authorization: 'Bearer secret-1',
        nested: { connectionParams: { token: 'secret-2' }, sessionToken: 'secret-3', cookie: 'secret-4' },
        url: 'http://127.0.0.1:3001/trpc/session.current?connectionParams=secret-5',
        path: '/uploads?token=secret-6',
      },
      'oops',
    );
    expect(lines).toHaveLength(1);
    expect(lines[0]).not.toMatch(/secret-\d/);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      msg: 'oops',
      authorization: '[redacted]',
      nested: { connectionParams: '[redacted]', sessionToken: '[redacted]', cookie: '[redacted]' },
      url: 'http://127.0.0.1:3001/trpc/session.current',
      path: '/uploads',
    });
  });
});
