import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type Database, openDatabase, SqliteStore } from '../src/index';
import { describeStore } from './store.contract';

/** A temporary folder with a SQLite file path in it (in a nested folder), removed on dispose. */
async function tempPath(): Promise<AsyncDisposable & { path: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-storage-'));
  return {
    path: join(dir, 'nested', 'jobstream.db'),
    [Symbol.asyncDispose]: () => rm(dir, { recursive: true, force: true }),
  };
}

describeStore('SQLite', async () => {
  const file = await tempPath();
  const clock = { now: Date.now() };
  const store = new SqliteStore(openDatabase(file.path), () => clock.now);
  return {
    store,
    clock,
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      await file[Symbol.asyncDispose]();
    },
  };
});

function schemaOf(db: Database): unknown[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
}

describe('SQLite specifics', () => {
  it('creates the file (and its folder) in WAL mode with foreign keys on, at the current schema version', async () => {
    await using file = await tempPath();
    await using store = SqliteStore.open(file.path);
    expect(existsSync(file.path)).toBe(true);
    expect(store.db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(store.db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(store.db.pragma('user_version', { simple: true })).toBe(4);
  });

  it('migrates idempotently, and two connections opening one file at once apply each migration once', async () => {
    await using file = await tempPath();
    const first = openDatabase(file.path);
    const second = openDatabase(file.path);
    expect(second.pragma('user_version', { simple: true })).toBe(4);
    expect(schemaOf(second)).toEqual(schemaOf(first));
    first.close();
    second.close();
    const again = openDatabase(file.path);
    expect(again.pragma('user_version', { simple: true })).toBe(4);
    again.close();
  });

  it('upgrades a database of the first schema: its jobs keep their data and have no file name', async () => {
    await using file = await tempPath();
    const first = openDatabase(file.path);
    const jobId = randomUUID();
    first
      .prepare(
        "INSERT INTO jobs (id, owner, template, status, message, created_at, updated_at) VALUES (?, 'o', 'users', 'started', 'hello', 1, 1)",
      )
      .run(jobId);
    first.exec(
      'DROP INDEX jobs_finished; ALTER TABLE jobs DROP COLUMN file_name; ALTER TABLE jobs DROP COLUMN file_bytes; DROP TABLE store_probe;',
    );
    first.pragma('user_version = 1');
    first.close();
    await using store = SqliteStore.open(file.path);
    expect(store.db.pragma('user_version', { simple: true })).toBe(4);
    const job = await store.jobs.get(jobId);
    expect(job).toMatchObject({ jobId, owner: 'o', message: 'hello' });
    expect(job).not.toHaveProperty('fileName');
  });

  it('fails the readiness probe while its connection cannot write, and passes again after', async () => {
    await using file = await tempPath();
    await using store = SqliteStore.open(file.path);
    const reading = store.db.prepare('SELECT 1 FROM sqlite_master').iterate();
    reading.next();
    await expect(store.probe()).rejects.toThrow(/busy/);
    reading.return?.();
    await expect(store.probe()).resolves.toBeUndefined();
  });

  it('keeps no session token on disk, only its hash', async () => {
    await using file = await tempPath();
    await using store = SqliteStore.open(file.path);
    const { token } = await store.sessions.create();
    store.db.pragma('wal_checkpoint(TRUNCATE)');
    for (const path of [file.path, `${file.path}-wal`]) {
      if (existsSync(path)) expect(readFileSync(path).includes(token)).toBe(false);
    }
  });
});
