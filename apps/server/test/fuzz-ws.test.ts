import { randomUUID } from 'node:crypto';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { WebSocket } from 'ws';
import { connectClient, follow, parseMetrics, progressOf, resultOf, seqs, startJob, startTestServer } from './fixtures';
import { mulberry32, SEED } from './fuzz-seed';

const CONNECTIONS = 4;
const MESSAGES_PER_CONNECTION = 800;
const SYNC_EVERY = 40;
const MAX_PAYLOAD = 64 * 1024;
const PROGRESS_EVENTS = 50;

interface Rng {
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  chance(p: number): boolean;
  bytes(length: number): Buffer;
  text(length: number): string;
}

function rng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (max: number) => Math.floor(next() * max);
  const alphabet = 'abcXYZ019 {}[]",:\\/\'`~!@#$%^&*()_+-=<>?.\t\n\u0000é€𝄞\u202E\uFFFD';
  return {
    int,
    pick: (items) => items[int(items.length)] as (typeof items)[number],
    chance: (p) => next() < p,
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(256))),
    text: (length) => Array.from({ length }, () => [...alphabet][int([...alphabet].length)]).join(''),
  };
}

/** One frame to send; `closes` is the close code the server must answer it with. */
interface Frame {
  kind: string;
  data: string | Buffer;
  binary?: boolean;
  closes?: 1007 | 1009;
}

interface Jobs {
  own: string;
  victim: string;
}

const PATHS = [
  'upload.ping',
  'upload.get',
  'upload.list',
  'upload.cancel',
  'upload.templates',
  'upload.onProgress',
  'session.create',
  'session.current',
];
const BAD_PATHS = [
  '',
  'nope',
  'upload',
  'upload.',
  '.upload.ping',
  'upload..ping',
  '__proto__',
  'constructor',
  'upload.__proto__',
  'upload.constructor',
  'upload.ping.constructor',
  'toString',
  'hasOwnProperty',
  '_def',
  'upload._def',
  'upload.onProgress/../ping',
  'x'.repeat(5000),
];
const METHODS = ['query', 'mutation', 'subscription', 'subscription.stop'];
const BAD_METHODS = ['', 'QUERY', 'get', 'connectionParams', '__proto__', 'subscription.start', 'stop'];
const HOSTILE_META = [
  { values: { '__proto__.polluted': ['undefined'] } },
  { values: { 'constructor.prototype.polluted': ['undefined'] } },
  { values: { jobId: ['class', 'Object'] } },
  { values: { jobId: ['custom', 'nope'] } },
  { values: { jobId: ['symbol', 'x'] } },
  { values: ['map', { __proto__: ['set'] }] },
  { referentialEqualities: { jobId: ['__proto__.polluted'] } },
  { referentialEqualities: { '': ['jobId'] } },
  { values: { '': ['set'] } },
  { values: 'not-an-object' },
  { v: 999 },
];

function rpc(id: unknown, method: string, path: string, input?: unknown, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({ id, method, params: { path, input: input === undefined ? undefined : input, ...extra } });
}

function idOf(r: Rng): unknown {
  return r.pick<unknown>([
    r.int(1000),
    -r.int(1000),
    0,
    1e308,
    -1e308,
    Number.MAX_SAFE_INTEGER + 2,
    0.5,
    `s${r.int(100)}`,
    '',
    '__proto__',
    'constructor',
    null,
    {},
    [],
    { id: 1 },
    true,
    'x'.repeat(3000),
  ]);
}

/** A nested `[[[…]]]` or `{"a":{"a":…}}` of about `bytes` characters. */
function depthBomb(r: Rng, bytes: number): string {
  if (r.chance(0.5)) {
    const depth = Math.floor(bytes / 2);
    return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  }
  const depth = Math.floor(bytes / 7);
  return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
}

/** A random frame: garbage, broken JSON-RPC, hostile superjson, oversized or deep input, or a plausible call. */
function fuzzFrame(r: Rng, jobs: Jobs, seq: number): Frame {
  const roll = r.int(1000);
  const jobId = r.pick([jobs.own, jobs.victim, randomUUID(), 'not-a-uuid', '']);
  if (roll < 80) return { kind: 'binary', data: r.bytes(r.int(600)), binary: true };
  if (roll < 84) return { kind: 'invalid utf-8 text', data: Buffer.from([0x7b, 0xff, 0xfe, 0xc3, 0x28]), closes: 1007 };
  if (roll < 160) return { kind: 'garbage text', data: r.text(1 + r.int(300)) };
  if (roll < 260) {
    const whole = rpc(seq, r.pick(METHODS), r.pick(PATHS), { json: { jobId } });
    return { kind: 'truncated json', data: whole.slice(0, r.int(whole.length)) };
  }
  if (roll < 460) {
    const shapes: Array<() => string> = [
      () => JSON.stringify({ method: 'query', params: { path: 'upload.ping', input: { json: null } } }),
      () => rpc(idOf(r), r.pick(METHODS), r.pick(PATHS), { json: { jobId } }),
      () => rpc(seq, r.pick(BAD_METHODS), r.pick(PATHS), { json: null }),
      () => JSON.stringify({ id: seq, method: 'query' }),
      () => JSON.stringify({ id: seq, method: 'query', params: r.pick<unknown>([null, [], 'x', 1, true]) }),
      () =>
        JSON.stringify({ id: seq, method: 'query', params: { path: r.pick<unknown>([1, null, {}, ['upload.ping']]) } }),
      () =>
        JSON.stringify({
          id: seq,
          jsonrpc: r.pick(['1.0', '2.0', 2, null]),
          method: 'query',
          params: { path: 'upload.ping', input: { json: null } },
        }),
      () => JSON.stringify(r.pick<unknown>([null, 1, 'str', true, [], [[]], [null], { id: seq }])),
      () =>
        rpc(
          seq,
          'subscription',
          'upload.onProgress',
          { json: { jobId } },
          {
            lastEventId: r.pick<unknown>([
              '-1',
              '1e309',
              '99999999999999999999',
              '__proto__',
              'x'.repeat(100),
              7,
              null,
              {},
            ]),
          },
        ),
      () =>
        rpc(
          seq,
          r.pick(METHODS),
          r.pick(PATHS),
          r.pick<unknown>([
            { json: { jobId, limit: -5 } },
            { json: { limit: 1e9 } },
            { json: [] },
            { json: 'x' },
            {},
            null,
            7,
            { meta: {} },
          ]),
        ),
    ];
    return { kind: 'wrong shape', data: r.pick(shapes)() };
  }
  if (roll < 540)
    return { kind: 'unknown path or method', data: rpc(seq, r.pick(METHODS), r.pick(BAD_PATHS), { json: null }) };
  if (roll < 560) {
    const size = MAX_PAYLOAD - 1 - r.int(300);
    const head = rpc(seq, 'query', 'upload.get', { json: { jobId: '' } });
    const fill = 'x'.repeat(size - head.length);
    const data = head.replace('"jobId":""', `"jobId":"${fill}"`);
    return { kind: 'near max payload', data };
  }
  if (roll < 565)
    return {
      kind: 'over max payload',
      data: rpc(seq, 'query', 'upload.ping', { json: 'y'.repeat(MAX_PAYLOAD + r.int(20_000)) }),
      closes: 1009,
    };
  if (roll < 620) {
    const bomb = depthBomb(r, 1000 + r.int(MAX_PAYLOAD - 2000));
    const where = r.int(3);
    const data =
      where === 0
        ? `{"id":${seq},"method":"query","params":{"path":"upload.get","input":{"json":${bomb}}}}`
        : where === 1
          ? `{"id":${seq},"method":"subscription","params":{"path":"upload.onProgress","input":{"json":{"jobId":"${jobs.own}","x":${bomb}},"meta":{"values":${bomb}}}}}`
          : `{"id":${seq},"method":"mutation","params":{"path":"upload.cancel","input":{"json":{"jobId":"${jobs.own}"},"meta":{"values":{"${'a.'.repeat(Math.floor(bomb.length / 4))}a":["undefined"]}}}}}`;
    return { kind: 'depth bomb', data: data.length <= MAX_PAYLOAD ? data : data.slice(0, MAX_PAYLOAD) };
  }
  if (roll < 700) {
    const json = `{"jobId":"${jobId}","__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}}}`;
    const meta = r.chance(0.8) ? `,"meta":${JSON.stringify(r.pick(HOSTILE_META))}` : '';
    return {
      kind: 'prototype keys',
      data: `{"id":${seq},"method":"${r.pick(METHODS)}","params":{"path":"${r.pick(PATHS)}","input":{"json":${json}${meta}}}}`,
    };
  }
  if (roll < 750)
    return { kind: 'stop unknown id', data: JSON.stringify({ id: idOf(r), method: 'subscription.stop' }) };
  if (roll < 800) {
    const id = r.pick([1, 2, 3, 'dup']);
    const one = rpc(id, 'subscription', 'upload.onProgress', { json: { jobId: jobs.own } });
    return { kind: 'duplicate subscription id', data: r.chance(0.5) ? `[${one},${one}]` : one };
  }
  if (roll < 850) {
    const method = r.pick(['subscription', 'query', 'mutation']);
    const path = method === 'subscription' ? 'upload.onProgress' : method === 'query' ? 'upload.get' : 'upload.cancel';
    return { kind: "another session's job", data: rpc(seq, method, path, { json: { jobId: jobs.victim } }) };
  }
  if (roll < 950) {
    const calls = [
      rpc(seq, 'query', 'upload.ping', { json: null }),
      rpc(seq, 'query', 'upload.get', { json: { jobId: jobs.own } }),
      rpc(seq, 'query', 'upload.list', { json: { limit: 1 + r.int(100) } }),
      rpc(seq, 'query', 'upload.templates', { json: null }),
      rpc(seq, 'query', 'session.current', { json: null }),
      rpc(`sub${seq}`, 'subscription', 'upload.onProgress', { json: { jobId: jobs.own } }),
    ];
    return { kind: 'valid call', data: r.pick(calls) };
  }
  const batch = Array.from({ length: 1 + r.int(20) }, (_, i) =>
    r.pick([
      rpc(seq * 100 + i, 'query', 'upload.ping', { json: null }),
      rpc(idOf(r), r.pick(METHODS), r.pick([...PATHS, ...BAD_PATHS.slice(0, 10)]), { json: { jobId } }),
      'null',
      '{}',
      '[]',
    ]),
  );
  return { kind: 'batch', data: `[${batch.join(',')}]` };
}

/** A bare WebSocket to `/trpc` that records every message and how it closed. */
interface FuzzSocket {
  socket: WebSocket;
  received: unknown[];
  closed: Promise<number>;
  closeCode: number | undefined;
}

async function openFuzzSocket(url: string, token: string): Promise<FuzzSocket> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc`, { headers: { authorization: `Bearer ${token}` } });
  const fuzz: FuzzSocket = { socket, received: [], closed: Promise.resolve(0), closeCode: undefined };
  fuzz.closed = new Promise((resolve) =>
    socket.once('close', (code) => {
      fuzz.closeCode = code;
      resolve(code);
    }),
  );
  socket.on('message', (data) => {
    const text = String(data);
    if (text === 'PONG' || text === 'PING') return;
    try {
      fuzz.received.push(JSON.parse(text));
    } catch {
      fuzz.received.push({ unparsable: text });
    }
  });
  socket.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
  });
  return fuzz;
}

/** Waits until the server answered a ping sent now (it has handled everything before it), or the socket closed. */
async function sync(fuzz: FuzzSocket, id: string): Promise<void> {
  if (fuzz.socket.readyState !== fuzz.socket.OPEN) return;
  fuzz.socket.send(rpc(id, 'query', 'upload.ping', { json: null }));
  await waitFor(
    () => {
      const answered = fuzz.received.some((m) => (m as { id?: unknown }).id === id);
      expect(answered || fuzz.closeCode !== undefined, `no answer to ${id}`).toBe(true);
    },
    { interval: 5 },
  );
}

function hasKeyDeep(value: unknown, name: string): boolean {
  if (Array.isArray(value)) return value.some((item) => hasKeyDeep(item, name));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key === name || hasKeyDeep(item, name));
  }
  return false;
}

const objectKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayKeys = Object.getOwnPropertyNames(Array.prototype).sort();

interface Outcome {
  sent: Map<string, number>;
  unexpectedCloses: string[];
  reconnects: number;
  sockets: FuzzSocket[];
}

/** Drives one fuzz connection (reopening it after each expected close) through `count` random frames. */
async function drive(
  url: string,
  token: string,
  jobs: Jobs,
  seed: number,
  count: number,
  outcome: Outcome,
): Promise<void> {
  const r = rng(seed);
  let fuzz = await openFuzzSocket(url, token);
  outcome.sockets.push(fuzz);
  for (let i = 1; i <= count; i++) {
    if (fuzz.closeCode !== undefined) {
      outcome.reconnects++;
      fuzz = await openFuzzSocket(url, token);
      outcome.sockets.push(fuzz);
    }
    const frame = fuzzFrame(r, jobs, i);
    outcome.sent.set(frame.kind, (outcome.sent.get(frame.kind) ?? 0) + 1);
    fuzz.socket.send(frame.data, { binary: frame.binary ?? false });
    if (frame.closes) {
      const code = await fuzz.closed;
      if (code !== frame.closes) outcome.unexpectedCloses.push(`${frame.kind}: expected ${frame.closes}, got ${code}`);
      continue;
    }
    if (i % SYNC_EVERY === 0) {
      await sync(fuzz, `sync-${seed}-${i}`);
      if (fuzz.closeCode !== undefined) outcome.unexpectedCloses.push(`closed with ${fuzz.closeCode} near frame ${i}`);
    }
  }
  if (fuzz.closeCode !== undefined) {
    fuzz = await openFuzzSocket(url, token);
    outcome.sockets.push(fuzz);
  }
  await sync(fuzz, `sync-${seed}-end`);
  if (fuzz.closeCode !== undefined) outcome.unexpectedCloses.push(`closed with ${fuzz.closeCode} at the end`);
}

describe('WebSocket fuzzing', () => {
  it(`survives ${CONNECTIONS * MESSAGES_PER_CONNECTION} hostile frames while a well-behaved client gets every event of its job`, {
    timeout: 60_000,
  }, async () => {
    console.log(`fuzz-ws seed: ${SEED} (replay with FUZZ_SEED=${SEED})`);
    const uncaught: string[] = [];
    const onUncaught = (error: Error) => uncaught.push(error.message);
    process.on('uncaughtException', onUncaught);
    onTestFinished(() => {
      process.off('uncaughtException', onUncaught);
    });
    await using server = await startTestServer({
      MAX_MESSAGES_PER_SECOND: '100000',
      MAX_CONNECTIONS_PER_ADDRESS: '1000',
      WS_MAX_PAYLOAD_BYTES: String(MAX_PAYLOAD),
    });
    await using victim = await connectClient(server);
    const victimJob = await startJob(server, victim.token);
    const got = follow(victim, victimJob);
    await waitFor(() => expect(got.data).toHaveLength(1));

    const outcome: Outcome = { sent: new Map(), unexpectedCloses: [], reconnects: 0, sockets: [] };
    const drivers = Array.from({ length: CONNECTIONS }, async (_, i) => {
      const { token } = await server.services.sessions.create();
      const jobs = { own: await startJob(server, token), victim: victimJob };
      return drive(server.url, token, jobs, (SEED + i * 7919) >>> 0, MESSAGES_PER_CONNECTION, outcome);
    });

    const emitting = (async () => {
      for (let p = 1; p <= PROGRESS_EVENTS; p++) {
        server.hub.emitter.emitProgress(victimJob, { ...progressOf(victimJob, p * 2), processed: p });
        await waitFor(() => expect(got.data.at(-1)?.payload.progress).toBe(p * 2));
      }
      server.hub.emitter.emitCompletion(victimJob, resultOf(victimJob));
      await waitFor(() => expect(got.done).toBe(true));
    })();
    await Promise.all([...drivers, emitting]);
    console.log('fuzz-ws frames sent by kind', Object.fromEntries(outcome.sent), 'reconnects', outcome.reconnects);

    // The well-behaved client saw its job exactly: snapshot, 50 progress events in order, completion.
    expect(got.errors).toEqual([]);
    expect(seqs(got.ids)).toEqual(Array.from({ length: PROGRESS_EVENTS + 2 }, (_, i) => String(i + 1)));
    expect(got.data.map((d) => d.payload.progress ?? d.event)).toEqual([
      0,
      ...Array.from({ length: PROGRESS_EVENTS }, (_, i) => (i + 1) * 2),
      'upload-completed',
    ]);
    expect(got.data.at(-1)?.payload).toEqual(resultOf(victimJob));

    expect(uncaught, `uncaught exceptions while fuzzing (FUZZ_SEED=${SEED})`).toEqual([]);

    // Fuzz connections closed only as the protocol demands, never saw the victim's job, never got internals.
    expect(outcome.unexpectedCloses, `FUZZ_SEED=${SEED}`).toEqual([]);
    const received = outcome.sockets.flatMap((s) => s.received);
    expect(received.length).toBeGreaterThan(CONNECTIONS * MESSAGES_PER_CONNECTION * 0.5);
    const codes = new Map<string, number>();
    for (const message of received) {
      const text = JSON.stringify(message);
      expect(hasKeyDeep(message, 'stack'), text.slice(0, 300)).toBe(false);
      expect(text).not.toContain('node_modules');
      expect(text).not.toContain('/work/');
      expect(hasKeyDeep(message, 'polluted'), text.slice(0, 300)).toBe(false);
      const result = (message as { result?: { type?: string; data?: unknown } }).result;
      if (result?.type === 'data') expect(JSON.stringify(result.data), text.slice(0, 300)).not.toContain(victimJob);
      const code = (message as { error?: { json?: { data?: { code?: string } } } }).error?.json?.data?.code;
      if (code) codes.set(code, (codes.get(code) ?? 0) + 1);
    }
    console.log('fuzz-ws error codes', Object.fromEntries(codes));
    expect(codes.get('INTERNAL_SERVER_ERROR') ?? 0).toBe(0);

    // Nothing leaks once the fuzz sockets are gone.
    await Promise.all(
      outcome.sockets.map(async (fuzz) => {
        if (fuzz.closeCode === undefined) fuzz.socket.terminate();
        await fuzz.closed;
      }),
    );
    await waitFor(async () => {
      const metrics = await server.metrics();
      expect(parseMetrics(metrics).jobstream_subscriptions_active).toBe(0);
      expect(parseMetrics(metrics).jobstream_listeners_active).toBe(0);
      expect(parseMetrics(metrics).jobstream_ws_connections).toBe(1);
    });
    const scraped = await fetch(`${server.url}/metrics`);
    expect(parseMetrics(await scraped.text()).jobstream_subscriptions_active).toBe(0);

    // The process is healthy and unpolluted, and serves a new client end to end.
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectKeys);
    expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayKeys);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await using fresh = await connectClient(server);
    expect((await fresh.trpc.upload.ping.query()).event).toBe('pong');
    const freshJob = await startJob(server, fresh.token);
    const freshGot = follow(fresh, freshJob);
    await waitFor(() => expect(freshGot.data).toHaveLength(1));
    server.hub.emitter.emitCompletion(freshJob, resultOf(freshJob));
    await waitFor(() => expect(freshGot.done).toBe(true));
    expect(freshGot.data.map((d) => d.event)).toEqual(['upload-progress', 'upload-completed']);
  });

  it("answers a subscription to another session's job exactly as one to a job that does not exist", async () => {
    await using server = await startTestServer();
    const owner = await server.services.sessions.create();
    const stranger = await server.services.sessions.create();
    const theirs = await startJob(server, owner.token);
    const missing = randomUUID();
    const transcripts: string[] = [];
    for (const jobId of [theirs, missing]) {
      const fuzz = await openFuzzSocket(server.url, stranger.token);
      fuzz.socket.send(rpc(1, 'subscription', 'upload.onProgress', { json: { jobId } }));
      fuzz.socket.send(rpc(2, 'query', 'upload.get', { json: { jobId } }));
      fuzz.socket.send(rpc(3, 'mutation', 'upload.cancel', { json: { jobId } }));
      await waitFor(() => expect(fuzz.received.filter((m) => (m as { error?: unknown }).error)).toHaveLength(3));
      await sync(fuzz, 'done');
      const answers = fuzz.received.filter((m) => (m as { id?: unknown }).id !== 'done');
      transcripts.push(JSON.stringify(answers).replaceAll(jobId, '<job>'));
      fuzz.socket.terminate();
      await fuzz.closed;
    }
    expect(transcripts[0]).toBe(transcripts[1]);
    expect(transcripts[0]).toContain('NOT_FOUND');
    await waitFor(async () => expect(parseMetrics(await server.metrics()).jobstream_subscriptions_active).toBe(0));
  });

  it('survives hostile connectionParams messages', async () => {
    await using server = await startTestServer();
    const { token } = await server.services.sessions.create();
    const firsts = [
      'garbage',
      'null',
      '[]',
      '{"method":"connectionParams","data":null}',
      '{"method":"connectionParams","data":{"token":{"__proto__":{"polluted":1}}}}',
      '{"method":"connectionParams","data":{"__proto__":{"token":"x"}}}',
      `{"method":"connectionParams","data":{"token":"${'t'.repeat(60_000)}"}}`,
      `{"method":"connectionParams","data":{"token":"${token}"}}`,
    ];
    const outcomes: string[] = [];
    for (const first of firsts) {
      const socket = new WebSocket(`${server.url.replace('http', 'ws')}/trpc?connectionParams=1`);
      const received: string[] = [];
      socket.on('message', (data) => received.push(String(data)));
      const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(first);
      socket.send(rpc(1, 'query', 'session.current', { json: null }));
      const end = await Promise.race([
        closed.then((code) => `closed ${code}`),
        waitFor(() => expect(received.some((m) => m.includes('"id":1'))).toBe(true)).then(
          () => `answered ${received.find((m) => m.includes('"id":1'))}`,
        ),
      ]);
      outcomes.push(end);
      for (const message of received) expect(message).not.toMatch(/"stack"|node_modules|\/work\//);
      socket.terminate();
      await closed;
    }
    expect(outcomes.at(-1)).toContain('"active":true');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
  });
});
