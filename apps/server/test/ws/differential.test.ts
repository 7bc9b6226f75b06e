import type { AddressInfo } from 'node:net';
import { appRouter, createApiContext } from '@jobstream/api';
import { WAIT_TIMEOUT_MS } from '@jobstream/testing';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { Histogram } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { WsConnectionHandle } from '../../src/connection-handle';
import type { ApiServer } from '../../src/index';
import { EmitLatency } from '../../src/metrics/emit-latency';
import { TextFrameWriter } from '../../src/ws/text-frames';
import { progressOf, resultOf, startJob, startTestServer } from '../fixtures';

/**
 * The WebSocket transport against tRPC's own adapter: the same frames are sent to the server as shipped and to a
 * WebSocket server that hands every frame to `applyWSSHandler` (same router, same services, the same context for a
 * connection), and the replies must be equal, byte for byte, once grouped by request id (the order of replies to
 * different requests is timing, not protocol). Both read the same event log, so even event ids agree.
 */

type Step = string | Buffer | { until: (replies: Reply[]) => boolean };
interface Reply {
  text: string;
  id: string;
}
interface Outcome {
  /** Each request id's replies in the order they came, as sent (server times zeroed). */
  byId: Record<string, string[]>;
  /** The close code, when the server closed the connection. */
  closed: number | undefined;
}
interface Case {
  name: string;
  /** Query string of the connection URL. */
  query?: string;
  /** The frames of the case, given the job ids it may name, and waits on the replies so far. */
  steps: (jobs: Jobs) => Step[];
  /** The case is over: every reply it will get has come (or the connection is closed). */
  settled: (replies: Reply[], closed: boolean) => boolean;
}
interface Jobs {
  ended: string;
  running: string;
  /** A job of another session. */
  foreign: string;
  /** Ids of the ended job's events. */
  endedIds: string[];
}

/** The reference adapter's connections time nothing anyone reads. */
const unobserved = new EmitLatency(new Histogram({ name: 'reference_emit_seconds', help: 'unread', registers: [] }));

let server: ApiServer;
let reference: WebSocketServer;
let token: string;
let jobs: Jobs;

beforeAll(async () => {
  server = await startTestServer({ MAX_MESSAGES_PER_SECOND: '100000' });
  token = (await server.services.sessions.create()).token;
  const { emitter } = server.hub;
  const ended = await startJob(server, token);
  const endedIds = [(await server.hub.log.latest(ended))?.id as string];
  for (let p = 1; p <= 3; p++) endedIds.push(await emitter.emitProgress(ended, progressOf(ended, p * 25)));
  endedIds.push(await emitter.emitCompletion(ended, resultOf(ended)));
  const running = await startJob(server, token);
  emitter.emitProgress(running, progressOf(running, 10));
  const foreign = await startJob(server, (await server.services.sessions.create()).token);
  jobs = { ended, running, foreign, endedIds };
  reference = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise((resolve) => reference.once('listening', resolve));
  applyWSSHandler({
    wss: reference,
    router: appRouter,
    createContext: async ({ req, res, info }) =>
      createApiContext(server.services, {
        caller: await server.services.identify(req, info.connectionParams),
        connection: new WsConnectionHandle(
          new TextFrameWriter(res, req.socket),
          { sendBufferBytes: 65_536, maxSubscriptions: 100 },
          unobserved,
        ),
        admitSession: async () => 0,
      }),
  });
});

afterAll(async () => {
  await new Promise((resolve) => reference?.close(resolve));
  await server?.shutdown();
});

/** Runs a case's steps on one server, collecting its replies until the case says it is settled. */
async function run(url: string, testCase: Case): Promise<Outcome> {
  const socket = new WebSocket(url, { headers: { authorization: `Bearer ${token}` } });
  const replies: Reply[] = [];
  let closed: number | undefined;
  let changed = () => {};
  socket.on('message', (data) => {
    const text = String(data).replace(/"serverTime":\d+/, '"serverTime":0');
    let id = 'none';
    try {
      id = JSON.stringify((JSON.parse(text) as { id?: unknown }).id ?? null);
    } catch {}
    replies.push({ text, id });
    changed();
  });
  socket.on('close', (code) => {
    closed = code;
    changed();
  });
  const until = (done: () => boolean) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${testCase.name}: no end in ${JSON.stringify(replies)}`)),
        WAIT_TIMEOUT_MS,
      );
      changed = () => {
        if (!done()) return;
        clearTimeout(timer);
        resolve();
      };
      changed();
    });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  for (const step of testCase.steps(jobs)) {
    if (typeof step === 'string' || Buffer.isBuffer(step)) socket.send(step, { binary: Buffer.isBuffer(step) });
    else await until(() => step.until(replies) || closed !== undefined);
  }
  await until(() => testCase.settled(replies, closed !== undefined));
  socket.terminate();
  const byId: Record<string, string[]> = {};
  for (const { id, text } of replies) {
    byId[id] ??= [];
    byId[id].push(text);
  }
  return { byId, closed };
}

function ours(testCase: Case): Promise<Outcome> {
  return run(`${server.url.replace('http', 'ws')}/trpc${testCase.query ?? ''}`, testCase);
}

function theirs(testCase: Case): Promise<Outcome> {
  const { port } = reference.address() as AddressInfo;
  return run(`ws://127.0.0.1:${port}/trpc${testCase.query ?? ''}`, testCase);
}

const subscribe = (id: unknown, input: unknown, extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    id,
    method: 'subscription',
    params: { path: 'upload.onProgress', input: { json: input }, ...extra },
  });
const stop = (id: unknown) => JSON.stringify({ id, method: 'subscription.stop' });
/** A query as `@trpc/client` sends it with superjson: a procedure without input gets `{}` (`undefined` serialized). */
const query = (id: unknown, path: string, input?: unknown) =>
  JSON.stringify({ id, method: 'query', params: { path, input: input === undefined ? {} : { json: input } } });

/** Replies to `id` so far, parsed. */
function repliesTo(replies: Reply[], id: unknown): Array<{ result?: { type: string }; error?: unknown }> {
  const key = JSON.stringify(id);
  return replies.filter((r) => r.id === key).map((r) => JSON.parse(r.text));
}
/** A subscription is over: stopped, or refused before it started. */
const over = (replies: Reply[], id: unknown) => {
  const got = repliesTo(replies, id);
  const started = got.some((m) => m.result?.type === 'started');
  return got.some((m) => m.result?.type === 'stopped') || (!started && got.some((m) => m.error));
};
const answered = (replies: Reply[], id: unknown) => repliesTo(replies, id).length > 0;
const count = (replies: Reply[], id: unknown) => repliesTo(replies, id).length;

const CASES: Case[] = [
  {
    name: 'an ended job: its terminal event as a snapshot, then stopped',
    steps: (j) => [subscribe(1, { jobId: j.ended })],
    settled: (r) => over(r, 1),
  },
  {
    name: 'a resume from an id in the history, as input and as params.lastEventId, with jsonrpc 2.0',
    steps: (j) => [
      subscribe(1, { jobId: j.ended, lastEventId: j.endedIds[1] }),
      JSON.stringify({
        id: 'two',
        jsonrpc: '2.0',
        method: 'subscription',
        params: { path: 'upload.onProgress', input: { json: { jobId: j.ended } }, lastEventId: j.endedIds[2] },
      }),
    ],
    settled: (r) => over(r, 1) && over(r, 'two'),
  },
  {
    name: 'a resume from an id of another epoch, from the terminal id, and from a malformed id',
    steps: (j) => [
      subscribe(1, { jobId: j.ended, lastEventId: 'another:2' }),
      subscribe(2, { jobId: j.ended, lastEventId: j.endedIds.at(-1) }),
      subscribe(3, { jobId: j.ended, lastEventId: 'not an id' }),
    ],
    settled: (r) => over(r, 1) && over(r, 2) && over(r, 3),
  },
  {
    name: 'an unknown job, another session’s job, and a job id that is not a UUID',
    steps: (j) => [
      subscribe(1, { jobId: '00000000-0000-4000-8000-000000000000' }),
      subscribe(2, { jobId: j.foreign }),
      subscribe(3, { jobId: 'nope' }),
      subscribe(4, {}),
    ],
    settled: (r) => [1, 2, 3, 4].every((id) => over(r, id)),
  },
  {
    name: 'a running job: snapshot, then stopped by the client',
    steps: (j) => [subscribe(7, { jobId: j.running }), { until: (r) => count(r, 7) >= 2 }, stop(7)],
    settled: (r) => over(r, 7),
  },
  {
    name: 'a duplicate subscription id in one frame, and again in a later frame',
    steps: (j) => [
      `[${subscribe(5, { jobId: j.running })},${subscribe(5, { jobId: j.ended })}]`,
      { until: (r) => repliesTo(r, 5).some((m) => m.error) && count(r, 5) >= 3 },
      subscribe(5, { jobId: j.running }),
      { until: (r) => repliesTo(r, 5).filter((m) => m.error).length >= 2 },
      stop(5),
    ],
    settled: (r) => over(r, 5),
  },
  {
    name: 'a batch with one invalid item: nothing in it runs',
    steps: (j) => [
      `[${subscribe(1, { jobId: j.ended })},{"id":2,"method":"nope"},${query(3, 'upload.templates')}]`,
      query(4, 'upload.ping'),
    ],
    settled: (r) => answered(r, null) && answered(r, 4),
  },
  {
    name: 'a batch of a query, a subscription and a mutation on someone else’s job',
    steps: (j) => [
      `[${query(1, 'upload.templates')},${subscribe(2, { jobId: j.ended })},{"id":3,"method":"mutation","params":{"path":"upload.cancel","input":{"json":{"jobId":"${j.foreign}"}}}}]`,
    ],
    settled: (r) => answered(r, 1) && over(r, 2) && answered(r, 3),
  },
  {
    name: 'malformed messages: not JSON, not an object, no id, unknown method, binary',
    steps: () => [
      'not json',
      '42',
      '"text"',
      'null',
      '{"id":null,"method":"query","params":{"path":"upload.ping"}}',
      '{"id":1,"method":"nope","params":{"path":"upload.ping"}}',
      '{"id":2,"method":"query"}',
      '{"id":{},"method":"query","params":{"path":"upload.ping"}}',
      Buffer.from(query(3, 'upload.ping')),
      query(4, 'upload.ping'),
    ],
    settled: (r) => count(r, null) >= 8 && answered(r, 4),
  },
  {
    name: 'unknown paths, a subscription path as a query, a stop for an unknown id, PING',
    steps: () => [
      query(1, 'upload.nothing'),
      query(2, 'upload.onProgress', { jobId: '00000000-0000-4000-8000-000000000000' }),
      JSON.stringify({ id: 3, method: 'subscription', params: { path: 'upload.templates', input: {} } }),
      stop(99),
      'PING',
      query(4, 'upload.ping'),
    ],
    settled: (r) => [1, 2, 3, 4].every((id) => answered(r, id)) && r.some((m) => m.text === 'PONG'),
  },
  {
    name: 'inputs encoded with superjson meta, and string ids',
    steps: (j) => [
      JSON.stringify({
        id: 'a',
        method: 'subscription',
        params: { path: 'upload.onProgress', input: { json: { jobId: j.ended }, meta: { values: {} } } },
      }),
      JSON.stringify({
        id: 'b',
        method: 'query',
        params: { path: 'upload.get', input: { json: { jobId: 1 }, meta: { values: { jobId: ['class', 'Foo'] } } } },
      }),
    ],
    settled: (r) => over(r, 'a') && answered(r, null),
  },
  {
    name: 'connection params: a token, then a subscription',
    query: '?connectionParams=1',
    steps: (j) => [JSON.stringify({ method: 'connectionParams', data: { token } }), subscribe(1, { jobId: j.ended })],
    settled: (r) => over(r, 1),
  },
  {
    name: 'connection params that do not parse: the error, and the connection closes',
    query: '?connectionParams=1',
    steps: (j) => [JSON.stringify({ method: 'connectionParams', data: 'x' }), subscribe(1, { jobId: j.ended })],
    settled: (_r, closed) => closed,
  },
  {
    name: 'a first message that is not JSON when connection params are expected',
    query: '?connectionParams=1',
    steps: () => ['1', query(1, 'upload.ping')],
    settled: (_r, closed) => closed,
  },
];

describe('the WebSocket transport replies as tRPC’s own adapter does', () => {
  it.each(CASES.map((testCase) => [testCase.name, testCase] as const))('%s', async (_name, testCase) => {
    const [expected, actual] = [await theirs(testCase), await ours(testCase)];
    expect(actual).toEqual(expected);
  });

  it('differs in one way: a stop that arrives before its subscription has started ends it, where tRPC streams on', async () => {
    const testCase: Case = {
      name: 'subscribe and stop in one frame',
      steps: (j) => [`[${subscribe(1, { jobId: j.running })},${stop(1)}]`, query(2, 'upload.ping')],
      settled: (r) => answered(r, 2) && count(r, 1) >= 2,
    };
    const expected = await theirs(testCase);
    const actual = await ours(testCase);
    // tRPC: started, then the job's events for a client that has forgotten the subscription, until the job ends.
    expect(expected.byId['1']?.map((text) => JSON.parse(text).result.type)).toEqual(['started', 'data']);
    // Here: started, then stopped; nothing is held for it.
    expect(actual.byId['1']).toEqual(['{"id":1,"result":{"type":"started"}}', '{"id":1,"result":{"type":"stopped"}}']);
    expect(actual.byId['2']).toEqual(expected.byId['2']);
  });
});
