import { request } from 'node:http';
import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, httpLink, type TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { ApiServer } from '../src/index';
import { connectClient, follow, progressOf, sseClient, startJob, startTestServer, usersCsv } from './fixtures';

const MiB = 1024 * 1024;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * POSTs `chunks` MiB of JSON-ish filler to a tRPC procedure, one reused buffer at a time and honouring backpressure,
 * and stops sending as soon as the server answers.
 */
function postFiller(server: ApiServer, path: string, chunks: number): Promise<Answer & { sentMiB: number }> {
  const chunk = Buffer.alloc(MiB, 0x20);
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
    });
    let sent = 0;
    let answered = false;
    const pump = () => {
      while (!answered && sent < chunks) {
        sent++;
        if (!req.write(chunk)) return void req.once('drain', pump);
      }
      if (!answered) req.end();
    };
    req.on('response', (res) => {
      answered = true;
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (data: string) => {
        body += data;
      });
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, sentMiB: sent });
        req.destroy();
      });
    });
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    pump();
  });
}

/** A plain HTTP call to `/trpc/<path>` as a client at `address` (behind a trusted proxy), with an optional token. */
async function callAs(
  server: ApiServer,
  address: string,
  path: string,
  init: { method?: 'GET' | 'POST'; token?: string; body?: string } = {},
): Promise<{
  status: number;
  retryAfter: string | null;
  body: { error?: { json: { message: string; data: { code: string } } } };
}> {
  const headers: Record<string, string> = { 'x-forwarded-for': address, 'content-type': 'application/json' };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  const res = await fetch(`${server.url}/trpc/${path}`, { method: init.method ?? 'GET', headers, body: init.body });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), body: (await res.json()) as never };
}

describe('tRPC HTTP body and batch limits', () => {
  it('answers a body over MAX_TRPC_BODY_BYTES with 413 PAYLOAD_TOO_LARGE without buffering it, and keeps serving', async () => {
    await using server = await startTestServer();
    const rssBefore = process.memoryUsage().rss;
    const answer = await postFiller(server, 'upload.cancel', 256);
    const grewMiB = (process.memoryUsage().rss - rssBefore) / MiB;
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body).error.json.data.code).toBe('PAYLOAD_TOO_LARGE');
    // Unbounded, the server held the whole body (and its string and parse) before answering: several times 256 MiB.
    expect(grewMiB).toBeLessThan(128);

    await using client = await connectClient(server);
    const jobId = await startJob(server, client.token);
    const http = createTRPCClient<AppRouter>({
      links: [
        httpLink({
          url: `${server.url}/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${client.token}` },
        }),
      ],
    });
    expect(await http.upload.cancel.mutate({ jobId })).toEqual({ cancelled: false });
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });

  it('reads a body up to MAX_TRPC_BODY_BYTES and refuses one byte more', async () => {
    await using server = await startTestServer({ MAX_TRPC_BODY_BYTES: '4096' });
    const body = (size: number) => {
      const head = '{"json":{"jobId":"';
      const tail = '"}}';
      return head + 'x'.repeat(size - head.length - tail.length) + tail;
    };
    const post = (text: string) =>
      fetch(`${server.url}/trpc/upload.cancel`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: text,
      });
    const atLimit = await post(body(4096));
    expect(atLimit.status).toBe(400);
    expect(((await atLimit.json()) as { error: { json: { data: { code: string } } } }).error.json.data.code).toBe(
      'BAD_REQUEST',
    );
    const over = await post(body(4097));
    expect(over.status).toBe(413);
    await over.body?.cancel();
  });

  it('runs a batch of MAX_BATCH_SIZE calls and refuses a larger one with 400', async () => {
    await using server = await startTestServer({ MAX_BATCH_SIZE: '3' });
    const batch = (size: number) =>
      fetch(`${server.url}/trpc/${Array.from({ length: size }, () => 'upload.ping').join(',')}?batch=1`);
    const allowed = await batch(3);
    expect(allowed.status).toBe(200);
    expect(((await allowed.json()) as unknown[]).length).toBe(3);
    const refused = await batch(4);
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as { error: { json: { message: string } } }).error.json.message).toBe(
      'Batch call exceeds maximum size',
    );
  });
});

describe('per-address HTTP rate limits', () => {
  it('answers an address past MAX_HTTP_REQUESTS_PER_SECOND with 429 and Retry-After, on tRPC and uploads, while another address is served', async () => {
    await using server = await startTestServer({ MAX_HTTP_REQUESTS_PER_SECOND: '5', TRUST_PROXY: 'loopback' });
    const { token } = await server.services.sessions.create();
    /** Calls as `address` until it is refused (at most 100 times): how many were served, and the refusal. */
    const spend = async (address: string) => {
      let served = 0;
      while (served < 100) {
        const answer = await callAs(server, address, 'upload.ping');
        if (answer.status !== 200) return { served, limited: answer };
        served++;
      }
      return { served, limited: undefined };
    };
    const { served, limited } = await spend('203.0.113.1');
    expect(served).toBeGreaterThanOrEqual(5);
    expect(limited?.status).toBe(429);
    expect(Number(limited?.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited?.body.error?.json.data.code).toBe('TOO_MANY_REQUESTS');

    // The bucket gets a token back every 200 ms: an upload sent right after a refusal is refused too, unless a busy
    // machine delayed it past a refill; then the address spends its tokens again and the upload is sent again.
    const upload = await waitFor(async () => {
      await spend('203.0.113.1');
      const answer = await fetch(`${server.url}/uploads?template=users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'x-forwarded-for': '203.0.113.1' },
        body: usersCsv(2),
      });
      const refused = {
        status: answer.status,
        retryAfter: answer.headers.get('retry-after'),
        error: ((await answer.json()) as { error?: string }).error,
      };
      expect(refused).toMatchObject({
        status: 429,
        error: expect.stringMatching(/^Too many requests from this address/),
      });
      return refused;
    });
    expect(upload.retryAfter).toMatch(/^[1-9]\d*$/);

    const other = await callAs(server, '203.0.113.2', 'upload.ping');
    expect(other.status).toBe(200);
    const otherUpload = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'x-forwarded-for': '203.0.113.2' },
      body: usersCsv(2),
    });
    expect(otherUpload.status).toBe(201);
    await otherUpload.body?.cancel();
  });

  it('charges every call of a batch', async () => {
    await using server = await startTestServer({ MAX_HTTP_REQUESTS_PER_SECOND: '4', TRUST_PROXY: 'loopback' });
    const first = await callAs(server, '203.0.113.1', 'upload.ping,upload.ping,upload.ping,upload.ping?batch=1');
    expect(first.status).toBe(200);
    let limited = false;
    for (let i = 0; i < 100 && !limited; i++) {
      limited = (await callAs(server, '203.0.113.1', 'upload.ping,upload.ping,upload.ping?batch=1')).status === 429;
    }
    expect(limited).toBe(true);
  });

  it('allows MAX_SESSIONS_PER_MINUTE new sessions per address over HTTP and WebSocket, then TOO_MANY_REQUESTS; other addresses are unaffected', async () => {
    await using server = await startTestServer({ MAX_SESSIONS_PER_MINUTE: '2', TRUST_PROXY: 'loopback' });
    for (let i = 0; i < 2; i++) {
      expect((await callAs(server, '203.0.113.1', 'session.create', { method: 'POST', body: '{}' })).status).toBe(200);
    }
    const refused = await callAs(server, '203.0.113.1', 'session.create', { method: 'POST', body: '{}' });
    expect(refused.status).toBe(429);
    expect(refused.body.error?.json.data.code).toBe('TOO_MANY_REQUESTS');
    expect(refused.body.error?.json.message).toMatch(/^Too many new sessions from this address: retry in \d+ s$/);
    expect(Number(refused.retryAfter)).toBeGreaterThanOrEqual(1);

    const socket = new WebSocket(`${server.url.replace('http', 'ws')}/trpc`, {
      headers: { 'x-forwarded-for': '203.0.113.1' },
    });
    const answers: Array<{ error?: { json: { data: { code: string } } } }> = [];
    socket.on('message', (data) => answers.push(JSON.parse(String(data))));
    await new Promise((resolve) => socket.once('open', resolve));
    socket.send(
      JSON.stringify({ id: 1, method: 'mutation', params: { path: 'session.create', input: { json: null } } }),
    );
    await waitFor(() => expect(answers).toHaveLength(1));
    expect(answers[0]?.error?.json.data.code).toBe('TOO_MANY_REQUESTS');
    socket.terminate();

    expect((await callAs(server, '203.0.113.2', 'session.create', { method: 'POST', body: '{}' })).status).toBe(200);
  });
});

describe('SSE streams per client address', () => {
  it('refuses an SSE stream past MAX_CONNECTIONS_PER_ADDRESS with TOO_MANY_REQUESTS, serves other addresses, and frees the slot when a stream ends', async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '2', TRUST_PROXY: 'loopback' });
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    const a = { trpc: sseClient(server.url, { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.1' }) };
    const first = follow(a, jobId);
    const second = follow(a, jobId);
    await waitFor(() => expect([first.data.length, second.data.length]).toEqual([1, 1]));

    const third = follow(a, jobId);
    await waitFor(() => expect(third.errors).toHaveLength(1));
    const error = third.errors[0] as TRPCClientError<AppRouter>;
    expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(error.message).toBe('At most 2 event streams per client address');

    const b = follow(
      { trpc: sseClient(server.url, { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.2' }) },
      jobId,
    );
    await waitFor(() => expect(b.data).toHaveLength(1));

    first.unsubscribe();
    const fourth = await waitFor(async () => {
      const attempt = follow(a, jobId);
      await waitFor(() => expect(attempt.data.length + attempt.errors.length).toBe(1));
      expect(attempt.errors).toEqual([]);
      return attempt;
    });
    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 50));
    await waitFor(() =>
      expect([second, fourth, b].map((got) => got.data.at(-1)?.payload.progress)).toEqual([50, 50, 50]),
    );
    expect([second.errors, fourth.errors, b.errors]).toEqual([[], [], []]);
    for (const got of [second, fourth, b]) got.unsubscribe();
  });
});
