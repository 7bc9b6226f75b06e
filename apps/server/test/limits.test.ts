import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import type { AppRouter } from '@jobstream/api';
import { countRows } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import type { TRPCClientError } from '@trpc/client';
import { describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import type { ApiServer } from '../src/index';
import {
  connectClient,
  follow,
  followToEnd,
  holdImports,
  progressOf,
  resultOf,
  startJob,
  startTestServer,
  tryUpgrade,
  upload,
  usersCsv,
} from './fixtures';
import { openRawClient } from './raw-client';

type Payload = Record<string, unknown>;

/** Resolves with the close code the socket ends with. */
function closeCode(socket: WebSocket): Promise<number> {
  if (socket.readyState === socket.CLOSED) return Promise.reject(new Error('already closed'));
  return new Promise((resolve) => socket.once('close', (code) => resolve(code)));
}

/** One tRPC request as the wire carries it, input wrapped by superjson. */
function rpc(id: number, method: 'query' | 'mutation' | 'subscription', path: string, input: unknown = null): string {
  return JSON.stringify({ id, method, params: { path, input: { json: input } } });
}

function lastPayload(got: { data: Array<{ payload: unknown }> }): Payload {
  return got.data.at(-1)?.payload as Payload;
}

function sessionCount(server: ApiServer): Promise<number> {
  return countRows(server.services.store, 'sessions');
}

/** Sends a raw `POST /uploads` with a declared length larger than the limit, without sending the body. */
function declaredTooLarge(url: string, token: string, length: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${url}/uploads?template=users`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'content-length': String(length) },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          body += chunk;
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.write('email,name,role\n');
  });
}

describe('WebSocket limits', () => {
  it('closes a connection that sends a message over WS_MAX_PAYLOAD_BYTES with 1009, and serves the next one', async () => {
    await using server = await startTestServer({ WS_MAX_PAYLOAD_BYTES: '1024' });
    const { token } = await server.services.sessions.create();
    await using raw = await openRawClient(server.url, token);
    const closed = closeCode(raw.socket);
    raw.socket.send(rpc(1, 'query', 'upload.ping', 'x'.repeat(2000)));
    expect(await closed).toBe(1009);

    await using small = await openRawClient(server.url, token);
    small.socket.send(rpc(1, 'query', 'upload.ping'));
    await waitFor(() => expect(small.received[0]?.result?.type).toBe('data'));
  });

  it('answers a third subscription with TOO_MANY_REQUESTS at MAX_SUBSCRIPTIONS_PER_CONNECTION=2, then accepts one once a slot frees', async () => {
    await using server = await startTestServer({ MAX_SUBSCRIPTIONS_PER_CONNECTION: '2' });
    await using client = await connectClient(server);
    const [a, b, c] = [
      await startJob(server, client.token),
      await startJob(server, client.token),
      await startJob(server, client.token),
    ];
    const gotA = follow(client, a);
    const gotB = follow(client, b);
    await waitFor(() => expect(gotA.data.length && gotB.data.length).toBe(1));

    const third = follow(client, c);
    await waitFor(() => expect(third.errors).toHaveLength(1));
    const error = third.errors[0] as TRPCClientError<AppRouter>;
    expect(error.data?.code).toBe('TOO_MANY_REQUESTS');
    expect(error.message).toBe('At most 2 subscriptions per connection');
    expect(third.data).toEqual([]);

    server.hub.emitter.emitCompletion(a, resultOf(a));
    await waitFor(() => expect(gotA.done).toBe(true));
    const again = follow(client, c);
    await waitFor(() => expect(again.data).toHaveLength(1));
    expect(again.errors).toEqual([]);
    server.hub.emitter.emitProgress(c, progressOf(c, 42));
    await waitFor(() => expect(again.data.at(-1)?.payload.progress).toBe(42));
    expect(gotB.errors).toEqual([]);
    gotB.unsubscribe();
    again.unsubscribe();
  });

  it('refuses a third upgrade from one address with 429 at MAX_CONNECTIONS_PER_ADDRESS=2, and accepts one after a close', async () => {
    await using server = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '2' });
    const { token } = await server.services.sessions.create();
    const first = await openRawClient(server.url, token);
    await using second = await openRawClient(server.url, token);
    expect((await tryUpgrade(server.url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(429);
    expect((await tryUpgrade(server.url, { headers: { authorization: `Bearer ${token}` } })).status).toBe(429);

    await first[Symbol.asyncDispose]();
    await waitFor(async () => {
      const attempt = await tryUpgrade(server.url, { headers: { authorization: `Bearer ${token}` } });
      attempt.socket?.terminate();
      expect(attempt.status).toBe(101);
    });
    second.socket.send(rpc(7, 'query', 'upload.ping'));
    await waitFor(() => expect(second.received.at(-1)?.id).toBe(7));
  });

  it('ignores X-Forwarded-For for the per-address limit unless TRUST_PROXY=true', async () => {
    await using direct = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '1' });
    const { token } = await direct.services.sessions.create();
    await using only = await openRawClient(direct.url, token, { 'x-forwarded-for': '203.0.113.1' });
    expect(
      (
        await tryUpgrade(direct.url, {
          headers: { authorization: `Bearer ${token}`, 'x-forwarded-for': '203.0.113.2' },
        })
      ).status,
    ).toBe(429);
    expect(only.socket.readyState).toBe(only.socket.OPEN);

    await using proxied = await startTestServer({ MAX_CONNECTIONS_PER_ADDRESS: '1', TRUST_PROXY: 'true' });
    const proxiedToken = (await proxied.services.sessions.create()).token;
    await using first = await openRawClient(proxied.url, proxiedToken, { 'x-forwarded-for': '203.0.113.1' });
    expect(
      (
        await tryUpgrade(proxied.url, {
          headers: { authorization: `Bearer ${proxiedToken}`, 'x-forwarded-for': '203.0.113.1, 10.0.0.1' },
        })
      ).status,
    ).toBe(429);
    const other = await tryUpgrade(proxied.url, {
      headers: { authorization: `Bearer ${proxiedToken}`, 'x-forwarded-for': '203.0.113.2' },
    });
    expect(other.status).toBe(101);
    other.socket?.terminate();
    expect(first.socket.readyState).toBe(first.socket.OPEN);
  });

  it('closes a connection that bursts past MAX_MESSAGES_PER_SECOND=5 with 1008; other clients are unaffected', async () => {
    await using server = await startTestServer({ MAX_MESSAGES_PER_SECOND: '5' });
    await using other = await connectClient(server);
    const jobId = await startJob(server, other.token);
    const watching = follow(other, jobId);
    await waitFor(() => expect(watching.data).toHaveLength(1));

    const { token } = await server.services.sessions.create();
    await using noisy = await openRawClient(server.url, token);
    const closed = closeCode(noisy.socket);
    for (let id = 1; id <= 50; id++) {
      noisy.socket.send(rpc(id, 'query', 'upload.ping'));
    }
    expect(await closed).toBe(1008);

    server.hub.emitter.emitProgress(jobId, progressOf(jobId, 10));
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));
    await waitFor(() => expect(watching.done).toBe(true));
    expect(watching.data.map((d) => d.event)).toEqual(['upload-progress', 'upload-progress', 'upload-completed']);
    expect(watching.errors).toEqual([]);
    expect((await other.trpc.upload.ping.query()).event).toBe('pong');
  });

  it('does not run the messages of a burst past MAX_MESSAGES_PER_SECOND', async () => {
    await using server = await startTestServer({ MAX_MESSAGES_PER_SECOND: '5' });
    const { token } = await server.services.sessions.create();
    const before = await sessionCount(server);
    await using noisy = await openRawClient(server.url, token);
    const closed = closeCode(noisy.socket);
    for (let id = 1; id <= 50; id++) {
      noisy.socket.send(rpc(id, 'mutation', 'session.create'));
    }
    expect(await closed).toBe(1008);
    // The bucket holds 5 messages; a burst sent in well under a second refills less than one more.
    expect((await sessionCount(server)) - before).toBeLessThanOrEqual(6);
  });
  // The frame as parsed is counted, so whitespace before a batch (a bypass once) changes nothing.
  it.each([
    ['as sent', ''],
    ['after a leading space', ' '],
    ['after a leading newline', '\n'],
  ])('counts every request of a batched frame against MAX_MESSAGES_PER_SECOND, %s', async (_, lead) => {
    await using server = await startTestServer({ MAX_MESSAGES_PER_SECOND: '5' });
    const { token } = await server.services.sessions.create();
    const before = await sessionCount(server);
    await using noisy = await openRawClient(server.url, token);
    const batch = Array.from({ length: 50 }, (_, i) => rpc(i + 1, 'mutation', 'session.create'));
    noisy.socket.send(`${lead}[${batch.join(',')}]`);
    noisy.socket.send(rpc(99, 'query', 'upload.ping'));
    await waitFor(() =>
      expect(noisy.socket.readyState === noisy.socket.CLOSED || noisy.received.some((m) => m.id === 99)).toBe(true),
    );
    expect((await sessionCount(server)) - before).toBeLessThanOrEqual(6);
  });
});

describe('upload and import limits', () => {
  it('rejects a body over MAX_UPLOAD_BYTES with 413, declared or streamed, and creates no job', async () => {
    await using server = await startTestServer({ MAX_UPLOAD_BYTES: '2048' });
    await using client = await connectClient(server);
    const declared = await declaredTooLarge(server.url, client.token, 4096);
    expect(declared.status).toBe(413);
    expect(JSON.parse(declared.body)).toEqual({ error: 'The file is larger than the limit of 2048 bytes' });
    expect(await upload(server, { token: client.token, body: usersCsv(200) })).toEqual({
      status: 413,
      body: { error: 'The file is larger than the limit of 2048 bytes' },
    });
    expect((await upload(server, { token: client.token, body: usersCsv(200), multipart: true })).status).toBe(413);
    const fits = await upload(server, { token: client.token, body: usersCsv(10) });
    expect(fits.status).toBe(201);
    await followToEnd(client, fits.body.jobId as string);
    expect((await client.trpc.upload.list.query()).map((job) => job.jobId)).toEqual([fits.body.jobId]);
  });

  it('fails a file over MAX_ROWS with "The file has more than N rows" and completes one at the limit', async () => {
    await using server = await startTestServer({ MAX_ROWS: '10' });
    await using client = await connectClient(server);
    const atLimit = await upload(server, { token: client.token, body: usersCsv(10) });
    expect(lastPayload(await followToEnd(client, atLimit.body.jobId as string))).toMatchObject({
      status: 'completed',
      processed: 10,
      inserted: 10,
    });
    const over = await upload(server, { token: client.token, body: usersCsv(11, { offset: 100 }) });
    expect(over.status).toBe(201);
    expect(lastPayload(await followToEnd(client, over.body.jobId as string))).toMatchObject({
      status: 'failed',
      message: 'The file has more than 10 rows',
    });
  });

  it('answers 429 while a session runs MAX_RUNNING_IMPORTS=1 imports; another session is not affected', async () => {
    await using server = await startTestServer({ MAX_RUNNING_IMPORTS: '1' });
    await using a = await connectClient(server);
    await using b = await connectClient(server);
    const hold = holdImports(server);
    const running = await upload(server, { token: a.token, body: usersCsv(2_500) });
    expect(running.status).toBe(201);
    const runningId = running.body.jobId as string;
    const watching = follow(a, runningId);
    await waitFor(() => expect([...hold.held.keys()]).toEqual([runningId]));

    expect(await upload(server, { token: a.token, body: usersCsv(1) })).toEqual({
      status: 429,
      body: { error: 'At most 1 imports may run at once per session' },
    });
    const other = await upload(server, { token: b.token, body: usersCsv(5, { offset: 500_000 }) });
    expect(other.status).toBe(201);
    expect(lastPayload(await followToEnd(b, other.body.jobId as string))).toMatchObject({ status: 'completed' });

    expect(await a.trpc.upload.cancel.mutate({ jobId: runningId })).toEqual({ cancelled: true });
    hold.release();
    await waitFor(() => expect(watching.done).toBe(true));
    await server.services.imports.settled(runningId);
    const next = await upload(server, { token: a.token, body: usersCsv(1, { offset: 600_000 }) });
    expect(next.status).toBe(201);
    await followToEnd(a, next.body.jobId as string);
    expect((await a.trpc.upload.list.query()).map((job) => job.jobId)).toEqual([next.body.jobId, runningId]);
  });

  it('holds MAX_RUNNING_IMPORTS=1 against concurrent uploads of one session and leaves no spooled file behind', async () => {
    await using server = await startTestServer({ MAX_RUNNING_IMPORTS: '1' });
    await using client = await connectClient(server);
    const hold = holdImports(server);
    const body = usersCsv(2_500);
    const answers = await Promise.all(Array.from({ length: 4 }, () => upload(server, { token: client.token, body })));
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, 429, 429, 429]);
    hold.release();
    for (const answer of answers) {
      if (answer.body.jobId) await followToEnd(client, answer.body.jobId);
    }
    await waitFor(async () => expect(await readdir(server.services.spoolDir)).toEqual([]));
  });

  it("holds the session's import slot from an upload's first byte: another upload is refused before its body", async () => {
    await using server = await startTestServer({ MAX_RUNNING_IMPORTS: '1' });
    await using client = await connectClient(server);
    const encoder = new TextEncoder();
    let finish: () => void = () => {};
    const slowBody = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(encoder.encode(usersCsv(100)));
        finish = () => {
          controller.enqueue(encoder.encode(usersCsv(100, { offset: 100 }).slice('email,name,role\n'.length)));
          controller.close();
        };
      },
    });
    const slow = fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'text/csv' },
      body: slowBody,
      duplex: 'half',
    } as RequestInit);
    await waitFor(async () => expect((await readdir(server.services.spoolDir)).length).toBe(1));

    expect(await upload(server, { token: client.token, body: usersCsv(10, { offset: 1_000 }) })).toEqual({
      status: 429,
      body: { error: 'At most 1 imports may run at once per session' },
    });
    expect(await readdir(server.services.spoolDir)).toHaveLength(1);
    finish();
    const accepted = await slow;
    expect(accepted.status).toBe(201);
    const { jobId } = (await accepted.json()) as { jobId: string };
    expect(lastPayload(await followToEnd(client, jobId))).toMatchObject({ status: 'completed', inserted: 200 });
    await waitFor(async () => expect(await readdir(server.services.spoolDir)).toEqual([]));
    expect(await upload(server, { token: client.token, body: usersCsv(10, { offset: 1_000 }) })).toMatchObject({
      status: 201,
    });
  });

  it('fails the job at the first row or header over MAX_COLUMNS, as the parser reads it; a row within it is rejected', async () => {
    await using server = await startTestServer({ MAX_COLUMNS: '5' });
    await using client = await connectClient(server);
    const { token } = client;
    for (const [body, message] of [
      ['email,name,role\na@example.com,A,member\na,b,c,d,e,f\n', 'Row 2 has too many columns (more than 5)'],
      ['email,name,role,a,b,c\n', 'The header has too many columns (more than 5)'],
    ]) {
      const res = await upload(server, { token, body: body as string });
      expect(res.status).toBe(201);
      expect(lastPayload(await followToEnd(client, res.body.jobId as string))).toMatchObject({
        status: 'failed',
        message,
      });
    }
    await waitFor(async () => expect(await readdir(server.services.spoolDir)).toEqual([]));

    const within = await upload(server, { token, body: 'email,name,role\na@example.com,"A, quoted",member,x,y\n' });
    expect(within.status).toBe(201);
    expect(lastPayload(await followToEnd(client, within.body.jobId as string))).toMatchObject({
      status: 'completed',
      failed: 1,
      errors: ['Row 1: columns 4-5: unexpected (the row has 5 columns, the header 3)'],
    });
  });
});
