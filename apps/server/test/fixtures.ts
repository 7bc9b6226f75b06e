import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppRouter } from '@jobstream/api';
import type { UploadProgress, UploadResult } from '@jobstream/contracts';
import type { ImportCounts } from '@jobstream/importer';
import { parseEventId } from '@jobstream/progress';
import { projectRedisEnv } from '@jobstream/redis/testing';
import { testStoreLocation } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import {
  createTRPCClient,
  createWSClient,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  type TRPCClient,
  wsLink,
} from '@trpc/client';
import { EventSource } from 'eventsource';
import superjson from 'superjson';
import { expect, inject } from 'vitest';
import { WebSocket } from 'ws';
import {
  type ApiServer,
  type ApiServerOptions,
  ConfigSchema,
  startApiServer,
  type TestableApiServer,
} from '../src/index';

/** Prometheus text as `/metrics` serves it, parsed to metric name -> value (comment lines skipped). */
export function parseMetrics(text: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const [name, value] = line.split(' ');
    values[name as string] = Number(value);
  }
  return values;
}

/** `/metrics` fetched over HTTP and parsed. */
export async function scrapeMetrics(server: Pick<ApiServer, 'metricsUrl'>): Promise<Record<string, number>> {
  const response = await fetch(server.metricsUrl);
  expect(response.status).toBe(200);
  return parseMetrics(await response.text());
}

/** Holds each import of `server` mid-file, after its first committed batch, until `release`; `held`: what it committed. */
export function holdImports(server: ApiServer) {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = new Map<string, ImportCounts>();
  server.services.imports.afterBatch = (jobId: string, committed: Readonly<ImportCounts>) => {
    if (held.has(jobId) || committed.processed >= committed.total) return;
    held.set(jobId, structuredClone(committed));
    return released;
  };
  return { held, release };
}

/** Tries a WebSocket upgrade to `/trpc`: the open socket, or the HTTP status the upgrade was refused with. */
export function tryUpgrade(
  url: string,
  options: { headers?: Record<string, string>; localAddress?: string } = {},
): Promise<{ status: 101; socket: WebSocket } | { status: number; socket?: undefined }> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc`, options);
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ status: 101, socket }));
    socket.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0 });
      res.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

/** A fresh temporary directory, removed on dispose. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await mkdtemp(join(tmpdir(), 'jobstream-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Where a test server keeps its data: a temp `DATA_DIR`, and the store of the project's kind. */
export interface TestData extends AsyncDisposable {
  /** The temp `DATA_DIR`. */
  path: string;
  /** `DATA_DIR`, plus `DATABASE_URL` (a fresh schema) when the project runs on PostgreSQL: give it to every server sharing this data. */
  env: { DATA_DIR: string; DATABASE_URL?: string; REDIS_URL?: string };
}

/** A fresh temp `DATA_DIR` and an empty store of the project's kind (`storeKind`), removed on dispose. */
export async function testData(): Promise<TestData> {
  const dir = await tempDir();
  const place = await testStoreLocation(inject('storeKind') ?? 'sqlite', inject('postgresUrl'));
  const { databaseUrl } = place.location;
  return {
    path: dir.path,
    env: {
      DATA_DIR: dir.path,
      ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}),
      // In the `redis` project the server is an instance of a cluster: its event log is on the run's redis-server.
      ...projectRedisEnv(inject),
    },
    async [Symbol.asyncDispose]() {
      await place[Symbol.asyncDispose]();
      await dir[Symbol.asyncDispose]();
    },
  };
}

/**
 * Starts the real server on a free port, quiet, with its test hooks: on fresh `testData()` unless `DATA_DIR` is
 * given, in a temp dir when only `DATABASE_URL` is. Shutting down more than once shuts down once.
 */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Omit<ApiServerOptions, 'config' | 'testing'> = {},
): Promise<TestableApiServer> {
  let data: AsyncDisposable | undefined;
  let dataEnv: Record<string, string> = {};
  if (env.DATABASE_URL && !env.DATA_DIR) {
    const dir = await tempDir();
    [data, dataEnv] = [dir, { DATA_DIR: dir.path }];
  } else if (!env.DATA_DIR) {
    const fresh = await testData();
    [data, dataEnv] = [fresh, fresh.env];
  }
  const config = ConfigSchema.parse({ PORT: '0', LOG_LEVEL: 'silent', ...dataEnv, ...env });
  const server = await startApiServer({ config, ...options, testing: true }).catch(async (error: unknown) => {
    await data?.[Symbol.asyncDispose]();
    throw error;
  });
  let closed: Promise<void> | undefined;
  const shutdown = () => {
    closed ??= server.shutdown().then(() => data?.[Symbol.asyncDispose]());
    return closed;
  };
  return { ...server, shutdown, [Symbol.asyncDispose]: shutdown };
}

/** The transports a client can subscribe over. */
export type Transport = 'ws' | 'sse';

/** A real tRPC client of a test server. */
export interface TestClient extends AsyncDisposable {
  trpc: TRPCClient<AppRouter>;
  /** The WebSocket client, for `ws` clients. */
  ws?: ReturnType<typeof createWSClient>;
  token: string;
}

/** Options of a test client. */
export interface ClientOptions {
  /** Session token; a new session when absent. */
  token?: string;
  /** `ws` (default): everything over one WebSocket; `sse`: subscriptions over SSE, the rest over HTTP. */
  transport?: Transport;
  retryDelayMs?: () => number;
}

/**
 * A real `@trpc/client` (superjson) over SSE for subscriptions and plain HTTP for the rest, sending `headers` with
 * every request; `eventFetch`, when given, makes the SSE requests instead (to record or alter them).
 */
export function sseClient(
  url: string,
  headers: Record<string, string>,
  eventFetch: typeof fetch = (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
): TRPCClient<AppRouter> {
  const trpcUrl = `${url}/trpc`;
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({
          url: trpcUrl,
          transformer: superjson,
          EventSource,
          eventSourceOptions: { fetch: eventFetch },
        }),
        false: httpLink({ url: trpcUrl, transformer: superjson, headers }),
      }),
    ],
  });
}

/** Connects a real `@trpc/client` with superjson and a session token, as any script would. */
export async function connectClient(server: ApiServer, options: ClientOptions = {}): Promise<TestClient> {
  const token = options.token ?? (await server.services.sessions.create()).token;
  if (options.transport === 'sse') {
    const trpc = sseClient(server.url, { authorization: `Bearer ${token}` });
    return { trpc, token, [Symbol.asyncDispose]: async () => {} };
  }
  const ws = createWSClient({
    connectionParams: { token },
    url: `${server.url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: options.retryDelayMs ?? (() => 20),
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] });
  return { trpc, ws, token, [Symbol.asyncDispose]: () => ws.close() };
}

/** What one subscription received. */
export interface Received {
  ids: string[];
  data: Array<{ event: string; payload: { progress?: number; status: string }; snapshot?: true; missed?: true }>;
  errors: unknown[];
  done: boolean;
  unsubscribe(): void;
}

/** Subscribes to a job's progress and records everything that arrives. */
export function follow(client: Pick<TestClient, 'trpc'>, jobId: string, lastEventId?: string): Received {
  const received: Received = { ids: [], data: [], errors: [], done: false, unsubscribe: () => {} };
  const sub = client.trpc.upload.onProgress.subscribe(
    { jobId, lastEventId },
    {
      onData: ({ id, data }) => {
        received.ids.push(id);
        received.data.push(data);
      },
      onError: (error) => received.errors.push(error),
      onComplete: () => {
        received.done = true;
      },
    },
  );
  received.unsubscribe = () => sub.unsubscribe();
  return received;
}

/** A progress payload for `jobId` at `progress` percent. */
export function progressOf(
  jobId: string,
  progress: number,
  status: 'started' | 'processing' = 'processing',
): UploadProgress {
  return {
    jobId,
    templateName: 'users',
    status,
    progress,
    message: `at ${progress}%`,
    processed: progress,
    total: 100,
  };
}

/** A completion payload for `jobId`. */
export function resultOf(jobId: string): UploadResult {
  return {
    jobId,
    templateName: 'users',
    status: 'completed',
    processed: 100,
    total: 100,
    inserted: 90,
    updated: 5,
    failed: 5,
    errors: ['Row 3: email: Invalid email address'],
    durationMs: 12,
  };
}

/** Records a job owned by the session of `token`, reports it started, and returns its id. */
export async function startJob(server: ApiServer, token: string): Promise<string> {
  const jobId = randomUUID();
  const owner = await server.services.sessions.resolve(token);
  if (!owner) throw new Error('unknown test token');
  await server.services.jobs.create({ jobId, owner, templateName: 'users', message: '' });
  server.hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
  return jobId;
}

/** Options of a test upload. */
export interface UploadOptions {
  token?: string;
  template?: string;
  body: string | Uint8Array;
  contentType?: string;
  /** Send as `multipart/form-data` with the body in the `file` field. */
  multipart?: boolean;
  /** The multipart file's name (default `users.csv`). */
  fileName?: string;
}

/** POSTs a file to `/uploads` as a script would; returns the status and JSON body. */
export async function upload(
  server: Pick<ApiServer, 'url'>,
  options: UploadOptions,
): Promise<{ status: number; body: { jobId?: string; error?: string } }> {
  const url = `${server.url}/uploads?template=${encodeURIComponent(options.template ?? 'users')}`;
  const headers: Record<string, string> = {};
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: FormData | string | Uint8Array;
  if (options.multipart) {
    const form = new FormData();
    form.append('file', new Blob([options.body], { type: 'text/csv' }), options.fileName ?? 'users.csv');
    body = form;
  } else {
    body = options.body;
    headers['content-type'] = options.contentType ?? 'text/csv';
  }
  const response = await fetch(url, { method: 'POST', headers, body });
  return { status: response.status, body: (await response.json()) as { jobId?: string; error?: string } };
}

/** A users CSV with `rows` valid rows. */
export function usersCsv(rows: number, { offset = 0, newline = '\n' } = {}): string {
  const lines = ['email,name,role'];
  for (let i = offset; i < offset + rows; i++)
    lines.push(`user${i}@example.com,User ${i},${i % 3 === 0 ? 'admin' : 'member'}`);
  return lines.join(newline) + newline;
}

/** The sequence numbers of event ids (`<epoch>:<seq>` gives `<seq>`), to compare with an expected order. */
export function seqs(ids: readonly (string | undefined)[]): string[] {
  return ids.map((id) => String(parseEventId(id)?.seq ?? id));
}

/** The id of event number `seq` of a job the server's log holds: `<its epoch>:<seq>`. */
export async function eventId(server: Pick<ApiServer, 'hub'>, jobId: string, seq: number | string): Promise<string> {
  const epoch = parseEventId((await server.hub.log.latest(jobId))?.id)?.epoch;
  if (!epoch) throw new Error(`the log holds no job ${jobId}`);
  return `${epoch}:${seq}`;
}

/** Follows a job until its stream ends and returns everything received. */
export async function followToEnd(client: TestClient, jobId: string): Promise<Received> {
  const got = follow(client, jobId);
  await waitFor(() => expect(got.done || got.errors.length > 0).toBe(true), { timeout: 30_000 });
  return got;
}
