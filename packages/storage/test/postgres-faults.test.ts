import { randomUUID } from 'node:crypto';
import { waitFor } from '@jobstream/testing';
import pg from 'pg';
import { describe, expect, inject, it } from 'vitest';
import { PostgresStore, StoreBusyError, StoreUnavailableError } from '../src/index';
import { createSchema, startPostgresCluster } from '../src/testing/index';

describe('PostgreSQL: migrations, faults and limits', () => {
  it('applies each migration once when several instances start on one database at the same moment', async () => {
    const schema = await createSchema(inject('postgresUrl'));
    try {
      const stores = await Promise.all(Array.from({ length: 4 }, () => PostgresStore.open({ url: schema.url })));
      const { rows } = await (stores[0] as PostgresStore).pool.query<{ version: number }>(
        'SELECT version FROM schema_migrations ORDER BY version',
      );
      expect(rows.map((row) => row.version)).toEqual([1]);
      await Promise.all(stores.map((store) => store[Symbol.asyncDispose]()));
      await using again = await PostgresStore.open({ url: schema.url });
      await expect(again.probe()).resolves.toBeUndefined();
    } finally {
      await schema.drop();
    }
  });

  it('fails to open with one clear StoreUnavailableError when the server cannot be reached', async () => {
    const url = 'postgres://postgres:secret@127.0.0.1:1/jobstream';
    const opened = PostgresStore.open({ url, pool: { timeoutMs: 2_000 } });
    await expect(opened).rejects.toBeInstanceOf(StoreUnavailableError);
    await expect(opened).rejects.toThrow(/^PostgreSQL at 127\.0\.0\.1:1\/jobstream is unavailable: .*ECONNREFUSED/);
    await expect(opened).rejects.not.toThrow(/secret/);
  });

  it('queues at most maxWaiting callers for a connection, each for at most timeoutMs, then refuses with StoreBusyError', async () => {
    const schema = await createSchema(inject('postgresUrl'));
    try {
      await using store = await PostgresStore.open({
        url: schema.url,
        pool: { max: 1, maxWaiting: 1, timeoutMs: 2_000 },
      });
      // The store's one connection runs a statement that waits for an advisory lock held by another connection, so
      // it stays busy until the test lets it go, however long the steps before take on a busy machine.
      const locker = new pg.Client({ connectionString: schema.url });
      await locker.connect();
      await using _closeLocker = { [Symbol.asyncDispose]: () => locker.end() };
      await locker.query('SELECT pg_advisory_lock(1)');
      const holding = store.pool.query('SELECT pg_advisory_xact_lock(1)');
      await waitFor(() => expect(store.pool.counts).toMatchObject({ total: 1, idle: 0 }));
      const waiting = store.pool.query('SELECT 1');
      await waitFor(() => expect(store.pool.counts.waiting).toBe(1));
      await expect(store.pool.query('SELECT 1')).rejects.toBeInstanceOf(StoreBusyError);
      await expect(waiting).rejects.toThrow(StoreBusyError);
      await locker.query('SELECT pg_advisory_unlock(1)');
      await holding;
      expect((await store.pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
    } finally {
      await schema.drop();
    }
  });

  it('reports a server that went away as StoreUnavailableError, and recovers by itself once it is back', async () => {
    const cluster = await startPostgresCluster();
    try {
      await using store = await PostgresStore.open({ url: cluster.url });
      await store.jobs.create({ jobId: randomUUID(), owner: 'o', templateName: 'users', message: '' });
      await cluster.halt();
      await expect(store.jobs.get(randomUUID())).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.probe()).rejects.toBeInstanceOf(StoreUnavailableError);
      await cluster.start();
      await expect(store.probe()).resolves.toBeUndefined();
      const jobId = randomUUID();
      await store.jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
      expect(await store.jobs.get(jobId)).toMatchObject({ jobId, status: 'started' });
    } finally {
      await cluster.stop();
    }
  });

  it('survives a connection closed by the server while a caller holds it between two queries', async () => {
    const schema = await createSchema(inject('postgresUrl'));
    const reported: Error[] = [];
    await using store = await PostgresStore.open({ url: schema.url, onConnectionError: (e) => reported.push(e) });
    try {
      let resume = () => {};
      const paused = new Promise<void>((resolve) => {
        resume = resolve;
      });
      let backend = 0;
      const held = store.pool.transaction(async (client) => {
        backend = (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid ?? 0;
        await paused;
        await client.query('SELECT 1');
      });
      await waitFor(() => expect(backend).toBeGreaterThan(0));
      // The server ends that connection while its holder waits between queries (57P01, as a shutdown does).
      await store.pool.query('SELECT pg_terminate_backend($1)', [backend]);
      await waitFor(() => expect(reported.length).toBeGreaterThan(0));
      resume();
      await expect(held).rejects.toBeInstanceOf(StoreUnavailableError);
      expect((await store.pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      expect(reported[0]?.message).toMatch(/terminat/i);
    } finally {
      await schema.drop();
    }
  });
});
