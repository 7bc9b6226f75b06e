import { randomUUID } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { type ClientRequest, request } from 'node:http';
import { connect } from 'node:net';
import type { AppRouter } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { createTRPCClient, httpBatchStreamLink, TRPCClientError } from '@trpc/client';
import superjson from 'superjson';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WebSocket } from 'ws';
import { parseMetrics, type TestClient, tempDir, upload, usersCsv } from './fixtures';
import { openRawClient, type RawClient } from './raw-client';
import { freePort, httpClient, type LoggedProcess, startLoggedProcess } from './server-process';
import { connectWire } from './wire-client';

/**
 * The attacks of a review of the running server, each reproduced against one server process that must survive
 * them all with `/healthz` answering throughout. Memory is the process's peak RSS (`VmHWM`), reset before each
 * attack that could build a large record (`/proc/<pid>/clear_refs`).
 */

/**
 * Peak memory imports may add to the process, whatever their files (documented in SECURITY.md). Far under what an
 * unbounded record costs (a single 20 MB file of such rows once took the process from 232 MB to 1.1 GB), and with room
 * for how much V8 lets its heap grow before collecting, which varies between Node versions and runs.
 */
const IMPORT_PEAK_BOUND_BYTES = 256 * 1024 * 1024;
const MAX_SPOOL_BYTES = 64 * 1024 * 1024;

let dir: AsyncDisposable & { path: string };
let server: LoggedProcess;
const health = { probes: 0, failures: [] as string[] };
let healthTimer: NodeJS.Timeout;

beforeAll(async () => {
  dir = await tempDir();
  server = await startLoggedProcess({
    PORT: String(await freePort()),
    DATA_DIR: dir.path,
    PROGRESS_INTERVAL_MS: '50',
    // Paced so that the import the slow reader races is still running when the reader stalls.
    IMPORT_ROWS_PER_SECOND: '100000',
    MAX_SPOOL_BYTES: String(MAX_SPOOL_BYTES),
    MAX_HTTP_REQUESTS_PER_SECOND: '10000',
    MAX_SESSIONS_PER_MINUTE: '1000',
  });
  // One probe at a time: each must be answered (the timeout is generous, the machine may be busy).
  const probe = async () => {
    try {
      const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(15_000) });
      health.probes++;
      if (res.status !== 200) health.failures.push(`status ${res.status}`);
    } catch (error) {
      health.failures.push(String(error));
    }
    healthTimer = setTimeout(probe, 100);
  };
  void probe();
}, 30_000);

afterAll(async () => {
  clearTimeout(healthTimer);
  await server?.[Symbol.asyncDispose]();
  await dir?.[Symbol.asyncDispose]();
});

async function newSession(): Promise<string> {
  return (await httpClient(server.url).session.create.mutate()).token;
}

function statusOf(field: 'VmHWM' | 'VmRSS'): number {
  const status = readFileSync(`/proc/${server.child.pid}/status`, 'utf8');
  const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
  return Number(kb) * 1024;
}

/** Runs `attack` and returns how far the server's peak RSS rose above its RSS when the attack began. */
async function peakGrowth(attack: () => Promise<void>): Promise<number> {
  writeFileSync(`/proc/${server.child.pid}/clear_refs`, '5');
  const before = statusOf('VmRSS');
  await attack();
  return statusOf('VmHWM') - before;
}

async function metrics(): Promise<Record<string, number>> {
  return parseMetrics(await (await fetch(`${server.url}/metrics`)).text());
}

/** A client following jobs over WebSocket with a session token. */
function wsClient(token: string): TestClient {
  return connectWire(server.url, { transport: 'ws', token, retryDelayMs: 50 });
}

async function finalPayload(client: TestClient, jobId: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    let last: Record<string, unknown> = {};
    const sub = client.trpc.upload.onProgress.subscribe(
      { jobId },
      {
        onData: ({ data }) => {
          last = data.payload as Record<string, unknown>;
        },
        onError: reject,
        onComplete: () => {
          sub.unsubscribe();
          resolve(last);
        },
      },
    );
  });
}

/** Starts `POST /uploads` and sends `bytes` of body without ending it; resolves once they left this process. */
function partialUpload(token: string, bytes: number): Promise<{ req: ClientRequest; answer: Promise<number> }> {
  return new Promise((resolve) => {
    const req = request(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    });
    const answer = new Promise<number>((done) => {
      req.on('response', (res) => {
        res.resume();
        done(res.statusCode ?? 0);
      });
      req.on('error', () => done(0));
    });
    req.write(Buffer.concat([Buffer.from('email,name,role\n'), Buffer.alloc(bytes, 'x')]), () =>
      resolve({ req, answer }),
    );
  });
}

describe('attacks on a running server', () => {
  it('a slow errors.csv reader while an import runs: the import completes, writes go on, nothing crashes', async () => {
    const token = await newSession();
    await using client = wsClient(token);
    // 100,000 rejected rows, each with a cell a spreadsheet would run.
    const bad = ['email,name,role'];
    for (let i = 0; i < 100_000; i++) bad.push(` =cmd|${i},Name ${i},member`);
    const rejected = await upload(server, { token, body: `${bad.join('\n')}\n` });
    expect(rejected.status).toBe(201);
    expect(await finalPayload(client, rejected.body.jobId as string)).toMatchObject({
      status: 'completed',
      failed: 100_000,
    });

    const running = await upload(server, { token, body: usersCsv(300_000) });
    expect(running.status).toBe(201);
    const finished = finalPayload(client, running.body.jobId as string);

    // A raw reader that takes about 16 KB of errors.csv and then stops reading.
    const socket = connect(Number(new URL(server.url).port), '127.0.0.1');
    let head = '';
    const stalled = new Promise<void>((resolve) => {
      socket.on('data', (chunk: Buffer) => {
        head += chunk.toString('latin1');
        if (head.length >= 16 * 1024) {
          socket.pause();
          resolve();
        }
      });
    });
    socket.write(
      `GET /uploads/${rejected.body.jobId}/errors.csv HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${token}\r\n\r\n`,
    );
    await stalled;
    expect(head).toContain('HTTP/1.1 200');
    expect(head).toContain("' =cmd|0,Name 0,member,1,Row 1: email: Invalid email address");

    // While the reader stalls, the store keeps writing: new sessions, and the running import to its end.
    expect((await newSession()).length).toBe(43);
    expect(await finished).toMatchObject({ status: 'completed', processed: 300_000, inserted: 300_000 });
    socket.destroy();
    expect((await fetch(`${server.url}/readyz`)).status).toBe(200);
  });

  it('CRLF header then bare-LF lines of 999 commas: each line is its own record, memory stays bounded', async () => {
    const token = await newSession();
    await using client = wsClient(token);
    const line = `${','.repeat(999)}\n`;
    const lines = Math.floor((20 * 1024 * 1024) / line.length);
    const body = `email,name,role\r\n${line.repeat(lines)}`;
    let jobIds: string[] = [];
    const growth = await peakGrowth(async () => {
      const answers = await Promise.all([1, 2, 3].map(() => upload(server, { token, body })));
      expect(answers.map((answer) => answer.status)).toEqual([201, 201, 201]);
      jobIds = answers.map((answer) => answer.body.jobId as string);
      for (const jobId of jobIds) {
        expect(await finalPayload(client, jobId)).toMatchObject({
          status: 'completed',
          processed: lines,
          failed: lines,
          errors: expect.arrayContaining([
            'Row 1: columns 4-1000: unexpected (the row has 1000 columns, the header 3)',
          ]),
        });
      }
    });
    console.log(`three 20 MB CRLF/LF comma files at once: peak RSS +${(growth / 2 ** 20).toFixed(0)} MiB`);
    expect(growth).toBeLessThan(IMPORT_PEAK_BOUND_BYTES);
  });

  it('a row of 40 million commas fails its job at the column limit, memory stays bounded', async () => {
    const token = await newSession();
    await using client = wsClient(token);
    const wide = Buffer.concat([Buffer.from('email,name,role\nwide@example.com'), Buffer.alloc(40_000_000, ',')]);
    const growth = await peakGrowth(async () => {
      const answer = await upload(server, { token, body: wide });
      expect(answer.status).toBe(201);
      expect(await finalPayload(client, answer.body.jobId as string)).toMatchObject({
        status: 'failed',
        message: 'Row 1 has too many columns (more than 1000)',
      });
    });
    expect(growth).toBeLessThan(IMPORT_PEAK_BOUND_BYTES);
  });

  it('UTF-16 files are refused with 400 before any job, with or without a byte order mark', async () => {
    const token = await newSession();
    const text = `email,name,role\n${'\u2200,'.repeat(1_000_000)}\n`;
    for (const [body, why] of [
      [Buffer.from(`\uFEFF${text}`, 'utf16le'), 'it starts with a UTF-16 byte order mark'],
      [Buffer.from(text, 'utf16le'), 'it contains NUL bytes, as UTF-16 text does'],
    ] as const) {
      expect(await upload(server, { token, body })).toEqual({
        status: 400,
        body: { error: `The file is not UTF-8 text (${why}): save it as CSV UTF-8` },
      });
    }
    expect(await httpClient(server.url, token).upload.list.query()).toEqual([]);
  });

  it.each([' ', '\n', '\t\r\n'])(
    'a batch behind %j counts each of its requests against the message rate',
    async (lead) => {
      await using raw = await openRawClient(server.url, await newSession());
      const closed = new Promise<number>((resolve) => raw.socket.once('close', resolve));
      const batch = Array.from({ length: 700 }, (_, id) => ({ id, method: 'query', params: { path: 'upload.list' } }));
      for (let i = 0; i < 5; i++) raw.socket.send(lead + JSON.stringify(batch));
      expect(await closed).toBe(1008);
      expect(raw.received.length).toBeLessThanOrEqual(50);
    },
  );

  it('uploads still being received count against the session, the address and the spool', async () => {
    const open: ClientRequest[] = [];
    try {
      // One session: three bodies in flight take its three import slots; a fourth is refused before its body.
      const first = await newSession();
      for (let i = 0; i < 3; i++) open.push((await partialUpload(first, 2 * 1024 * 1024)).req);
      await waitFor(async () => expect((await metrics()).jobstream_uploads_receiving).toBe(3));
      const fourth = await upload(server, { token: first, body: usersCsv(1) });
      expect(fourth).toEqual({ status: 429, body: { error: 'At most 3 imports may run at once per session' } });

      // One address: at most 10 bodies at once, whatever the sessions.
      for (let i = 0; i < 7; i++) open.push((await partialUpload(await newSession(), 1024)).req);
      await waitFor(async () => expect((await metrics()).jobstream_uploads_receiving).toBe(10));
      expect(await upload(server, { token: await newSession(), body: usersCsv(1) })).toEqual({
        status: 429,
        body: { error: 'At most 10 uploads at once per client address' },
      });
      for (const req of open.splice(0)) req.destroy();
      await waitFor(async () => expect(await metrics()).toMatchObject({ jobstream_uploads_receiving: 0 }));
      await waitFor(async () => expect(await metrics()).toMatchObject({ jobstream_spool_bytes: 0 }));

      // The spool: bodies past MAX_SPOOL_BYTES in all are refused with 507 while they arrive.
      for (let i = 0; i < 3; i++) open.push((await partialUpload(await newSession(), 20 * 1024 * 1024)).req);
      await waitFor(async () =>
        expect((await metrics()).jobstream_spool_bytes).toBeGreaterThan(MAX_SPOOL_BYTES - 5 * 1024 * 1024),
      );
      const overflow = await upload(server, {
        token: await newSession(),
        body: Buffer.concat([Buffer.from('email,name,role\n'), Buffer.alloc(5 * 1024 * 1024, 'y')]),
      });
      expect(overflow).toEqual({
        status: 507,
        body: { error: 'The server has no room for more uploads right now: try again later' },
      });
    } finally {
      for (const req of open) req.destroy();
    }
    await waitFor(async () =>
      expect(await metrics()).toMatchObject({ jobstream_uploads_receiving: 0, jobstream_spool_bytes: 0 }),
    );
  });

  it("answers a batch in the same order whether a job is someone else's or does not exist", async () => {
    const owner = await newSession();
    const other = await upload(server, { token: owner, body: usersCsv(1, { offset: 9_000_000 }) });
    const theirs = other.body.jobId as string;
    const token = await newSession();
    await using raw = await openRawClient(server.url, token);
    const order = async (first: string): Promise<string> => {
      const ids: string[] = [randomUUID(), randomUUID()];
      const before = raw.received.length;
      raw.socket.send(
        JSON.stringify(
          [first, randomUUID()].map((jobId, i) => ({
            id: ids[i],
            method: 'query',
            params: { path: 'upload.get', input: { json: { jobId } } },
          })),
        ),
      );
      await waitFor(() => expect(raw.received.length).toBe(before + 2));
      return raw.received
        .slice(before)
        .map((message) => ids.indexOf(String(message.id)))
        .join(',');
    };
    const streaming = createTRPCClient<AppRouter>({
      links: [
        httpBatchStreamLink({
          url: `${server.url}/trpc`,
          transformer: superjson,
          headers: { authorization: `Bearer ${token}` },
        }),
      ],
    });
    const streamedOrder = async (first: string): Promise<string> => {
      const settled: number[] = [];
      await Promise.all(
        [first, randomUUID()].map((jobId, i) =>
          streaming.upload.get.query({ jobId }).catch((error: unknown) => {
            expect(error).toBeInstanceOf(TRPCClientError);
            settled.push(i);
          }),
        ),
      );
      return settled.join(',');
    };
    for (let i = 0; i < 10; i++) {
      expect(await order(theirs)).toBe(await order(randomUUID()));
      expect(await streamedOrder(theirs)).toBe(await streamedOrder(randomUUID()));
    }
  });

  it('answers malformed requests with fixed messages, never the JavaScript error behind them', async () => {
    const token = await newSession();
    await using raw = await openRawClient(server.url, token);
    const query = (id: number, input: string) =>
      `{"id":${id},"method":"query","params":{"path":"upload.get"${input ? `,"input":${input}` : ''}}}`;
    const frames = [
      query(1, ''),
      query(2, '{"json":{},"meta":{"values":{"a":["class","Foo"]}}}'),
      query(3, `{"json":{},"meta":{"values":${nestedJson(8_000)}}}`),
    ];
    for (const frame of frames) raw.socket.send(frame);
    await waitFor(() => expect(raw.received.filter((m) => m.error)).toHaveLength(frames.length));
    const http = await Promise.all(
      [
        '{"json":{"jobId":1},"meta":{"values":{"jobId":["class","Foo"]}}}',
        `{"json":{},"meta":{"values":${nestedJson(8_000)}}}`,
      ].map(async (body) => {
        const res = await fetch(`${server.url}/trpc/upload.cancel`, {
          method: 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body,
        });
        return (await res.json()) as { error: { json: { message: string } } };
      }),
    );
    const messages = [...raw.received.map((m) => m.error?.json.message), ...http.map((b) => b.error.json.message)];
    expect(new Set(messages)).toEqual(new Set(['Malformed request', 'Bad request']));
  });

  it('logs client protocol errors as warnings with the address, never as errors', async () => {
    const token = await newSession();
    for (const [send, code] of [
      [(socket: WebSocket) => socket.send('x'.repeat(70 * 1024)), 1009],
      [(socket: WebSocket) => socket.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false }), 1007],
    ] as const) {
      await using raw: RawClient = await openRawClient(server.url, token);
      const closed = new Promise<number>((resolve) => raw.socket.once('close', resolve));
      send(raw.socket);
      expect(await closed).toBe(code);
    }
    await waitFor(() =>
      expect(server.logs.filter((l) => l.msg === 'client protocol error')).toEqual([
        expect.objectContaining({ level: 'warn', address: '127.0.0.1' }),
        expect.objectContaining({ level: 'warn', address: '127.0.0.1' }),
      ]),
    );
  });

  it('survived every attack: the process runs, /healthz answered every probe, nothing was logged as an error', async () => {
    expect(server.child.exitCode).toBeNull();
    expect(health.failures).toEqual([]);
    expect(health.probes).toBeGreaterThan(10);
    expect(server.logs.filter((l) => l.level === 'error')).toEqual([]);
  });
});

/** `{"a":{"a":…{}}}` as JSON text, `depth` levels deep: deep enough to overflow a recursive walker. */
function nestedJson(depth: number): string {
  return `${'{"a":'.repeat(depth)}{}${'}'.repeat(depth)}`;
}
