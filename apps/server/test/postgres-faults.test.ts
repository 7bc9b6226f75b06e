import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { STORE_UNAVAILABLE_MESSAGE } from '@jobstream/importer';
import { PostgresStore } from '@jobstream/storage';
import { createSchema, type PostgresCluster, startPostgresCluster } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { TRPCClientError } from '@trpc/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectClient, follow, holdImports, startTestServer, tempDir, upload, usersCsv } from './fixtures';
import { freePort, MAIN } from './server-process';

/** The HTTP status a tRPC call failed with (undefined when it did not fail). */
async function statusOf(call: Promise<unknown>): Promise<number | undefined> {
  try {
    await call;
    return undefined;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { httpStatus?: number } | undefined)?.httpStatus;
    throw error;
  }
}

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

// Each test stops and starts PostgreSQL, so the file has a cluster of its own, not the run's shared one.
describe('PostgreSQL faults', () => {
  let cluster: PostgresCluster;
  beforeAll(async () => {
    cluster = await startPostgresCluster();
  }, 60_000);
  afterAll(() => cluster?.stop());

  it('exits non-zero with one clear log line when PostgreSQL cannot be reached at start', async () => {
    await using dir = await tempDir();
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: dir.path,
        DATABASE_URL: `postgres://jobstream:s3cret-password@127.0.0.1:${port}/jobstream`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'error',
      msg: expect.stringMatching(
        new RegExp(`^cannot start: PostgreSQL at 127\\.0\\.0\\.1:${port}/jobstream is unavailable: .*ECONNREFUSED`),
      ),
    });
    expect(output).not.toContain('s3cret-password');
  });

  it('fails the import running when PostgreSQL stops, keeps serving, answers 503 for the store, and recovers', async () => {
    const schema = await createSchema(cluster.url);
    await using server = await startTestServer({
      DATABASE_URL: schema.url,
      PROGRESS_INTERVAL_MS: '0',
    });
    await using client = await connectClient(server);
    const hold = holdImports(server);
    const res = await upload(server, { token: client.token, body: usersCsv(3_000) });
    expect(res.status).toBe(201);
    const jobId = res.body.jobId as string;
    const got = follow(client, jobId);
    await waitFor(() => expect(hold.held.has(jobId)).toBe(true));
    const committed = hold.held.get(jobId)?.processed as number;
    expect(committed).toBeGreaterThan(0);

    await cluster.halt();
    hold.release();
    // The subscriber hears the failure from memory while the database is down.
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.data.at(-1)).toMatchObject({
      event: 'upload-error',
      payload: { status: 'failed', message: STORE_UNAVAILABLE_MESSAGE },
    });
    expect(await status(`${server.url}/healthz`)).toBe(200);
    expect(await status(`${server.url}/readyz`)).toBe(503);
    expect(await statusOf(client.trpc.upload.list.query())).toBe(503);
    expect(await statusOf(client.trpc.upload.ping.query())).toBeUndefined();
    const refused = await upload(server, { token: client.token, body: usersCsv(10) });
    expect(refused).toEqual({ status: 503, body: { error: 'The database is unavailable: try again shortly' } });

    await cluster.start();
    await waitFor(async () => expect(await status(`${server.url}/readyz`)).toBe(200));
    // The end was recorded once the database came back: what the job committed, nothing more.
    await waitFor(async () =>
      expect(await client.trpc.upload.get.query({ jobId })).toMatchObject({
        status: 'failed',
        message: STORE_UNAVAILABLE_MESSAGE,
        processed: committed,
        inserted: committed,
      }),
    );
    const again = await upload(server, { token: client.token, body: usersCsv(20) });
    expect(again.status).toBe(201);
    const next = follow(client, again.body.jobId as string);
    await waitFor(() => expect(next.done).toBe(true));
    expect(next.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { processed: 20 } });
    await schema.drop();
  });

  it('queues store calls within PG_POOL_MAX_WAITING and PG_POOL_TIMEOUT_MS when every connection is busy, then 503', async () => {
    const schema = await createSchema(cluster.url);
    await using server = await startTestServer({
      DATABASE_URL: schema.url,
      PG_POOL_MAX: '1',
      PG_POOL_MAX_WAITING: '2',
      // Long enough for the store's connection to be made on a busy machine; the waiting calls give up after it.
      PG_POOL_TIMEOUT_MS: '2000',
    });
    await using client = await connectClient(server);
    const store = server.services.store as PostgresStore;
    // Another client takes the jobs table, so a query on it holds the pool's only connection until released.
    await using locker = await PostgresStore.open({ url: schema.url });
    let unlock = () => {};
    const locked = new Promise<void>((resolve) => {
      const unlocked = new Promise<void>((release) => {
        unlock = release;
      });
      void locker.pool.transaction(async (connection) => {
        await connection.query('LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE');
        resolve();
        await unlocked;
      });
    });
    await locked;

    const blocked = client.trpc.upload.list.query();
    await waitFor(() => expect(store.pool.counts).toMatchObject({ total: 1, idle: 0 }));
    // Two may wait; the next is refused at once, without joining the queue.
    const waiting = [client.trpc.upload.list.query(), client.trpc.upload.list.query()];
    await waitFor(() => expect(store.pool.counts.waiting).toBe(2));
    expect(await statusOf(client.trpc.upload.list.query())).toBe(503);
    // Those waiting give up after PG_POOL_TIMEOUT_MS.
    expect(await Promise.all(waiting.map(statusOf))).toEqual([503, 503]);

    unlock();
    expect(await blocked).toEqual([]);
    expect(await client.trpc.upload.list.query()).toEqual([]);
    expect(store.pool.counts).toMatchObject({ total: 1, waiting: 0 });
    await server.shutdown();
    await schema.drop();
  });
});
