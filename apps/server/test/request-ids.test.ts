import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { createLogger } from '../src/index';
import { startTestServer } from './fixtures';

interface Entry {
  msg: string;
  reqId?: string;
  path?: string;
  code?: string;
}

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line) => void lines.push(line) } });
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Entry) };
}

describe('request ids in the server log', () => {
  it('gives each HTTP request its own id, on its log lines and in its X-Request-Id response header', async () => {
    const { logger, entries } = capture();
    await using server = await startTestServer({}, { logger });
    const ids: string[] = [];
    for (const path of ['/healthz', '/trpc/upload.ping', '/nowhere']) {
      const response = await fetch(`${server.url}${path}`);
      ids.push(response.headers.get('x-request-id') ?? '');
    }
    expect(new Set(ids).size).toBe(3);
    await waitFor(() => expect(entries().filter((entry) => entry.msg === 'request')).toHaveLength(3));
    const requests = entries().filter((entry) => entry.msg === 'request');
    expect(requests.map((entry) => [entry.path, entry.reqId])).toEqual([
      ['/healthz', ids[0]],
      ['/trpc/upload.ping', ids[1]],
      ['/nowhere', ids[2]],
    ]);
  });

  it("carries one id through a WebSocket connection's lines, from its upgrade to its close", async () => {
    const { logger, entries } = capture();
    await using server = await startTestServer({}, { logger });
    const wsClient = createWSClient({
      url: `${server.url.replace('http', 'ws')}/trpc`,
      WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    });
    const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: wsClient, transformer: superjson })] });
    await expect(trpc.upload.get.query({ jobId: randomUUID() })).rejects.toMatchObject({ data: { code: 'NOT_FOUND' } });
    await wsClient.close();
    await waitFor(() => expect(entries().map((entry) => entry.msg)).toContain('connection closed'));
    const connection = entries().filter((entry) =>
      ['upgrade', 'client error', 'connection closed'].includes(entry.msg),
    );
    expect(connection.map((entry) => entry.msg)).toEqual(['upgrade', 'client error', 'connection closed']);
    expect(connection[1]?.code).toBe('NOT_FOUND');
    expect(new Set(connection.map((entry) => entry.reqId)).size).toBe(1);
    expect(connection[0]?.reqId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("keeps a trusted proxy's X-Request-Id (the web server's) and replaces anyone else's", async () => {
    const behindProxy = capture();
    await using proxied = await startTestServer({ TRUST_PROXY: 'loopback' }, { logger: behindProxy.logger });
    const kept = await fetch(`${proxied.url}/healthz`, { headers: { 'x-request-id': 'web-42' } });
    expect(kept.headers.get('x-request-id')).toBe('web-42');
    const malformed = await fetch(`${proxied.url}/healthz`, { headers: { 'x-request-id': 'a b' } });
    expect(malformed.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);

    const direct = capture();
    await using exposed = await startTestServer({}, { logger: direct.logger });
    const replaced = await fetch(`${exposed.url}/healthz`, { headers: { 'x-request-id': 'web-42' } });
    expect(replaced.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    await waitFor(() => expect(direct.entries().some((entry) => entry.msg === 'request')).toBe(true));
    expect(direct.entries().map((entry) => entry.reqId)).not.toContain('web-42');
  });
});
