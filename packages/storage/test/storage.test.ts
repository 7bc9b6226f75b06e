import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  type Database,
  type JobProgressUpdate,
  JobStore,
  openDatabase,
  probeWritable,
  SessionStore,
} from '../src/index';

/** A temp dir with a SQLite file path in it; closes the database (if opened) and removes the dir on dispose. */
async function tempDb(): Promise<AsyncDisposable & { dir: string; path: string; open(): Database }> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-storage-'));
  const opened: Database[] = [];
  return {
    dir,
    path: join(dir, 'nested', 'jobstream.db'),
    open() {
      const db = openDatabase(join(dir, 'nested', 'jobstream.db'));
      opened.push(db);
      return db;
    },
    async [Symbol.asyncDispose]() {
      for (const db of opened) if (db.open) db.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function schemaOf(db: Database): unknown[] {
  return db.prepare("SELECT type, name, sql FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name").all();
}

function update(overrides: Partial<JobProgressUpdate> = {}): JobProgressUpdate {
  return {
    status: 'processing',
    progress: 40,
    message: 'Processing 40 of 100 rows',
    processed: 40,
    total: 100,
    inserted: 38,
    updated: 1,
    failed: 1,
    errors: ['Row 7: email: Invalid email address'],
    lastEventId: '5',
    ...overrides,
  };
}

describe('openDatabase', () => {
  it('creates the file (and its directory) in WAL mode with foreign keys on', async () => {
    await using tmp = await tempDb();
    const db = tmp.open();
    expect(existsSync(tmp.path)).toBe(true);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('user_version', { simple: true })).toBe(3);
    new JobStore(db).create({ jobId: randomUUID(), owner: 's', templateName: 'users', message: '' });
    expect(existsSync(`${tmp.path}-wal`)).toBe(true);
  });

  it('migrates idempotently: reopening keeps the schema version and the data', async () => {
    await using tmp = await tempDb();
    const first = tmp.open();
    const jobId = randomUUID();
    new JobStore(first).create({ jobId, owner: 'owner-1', templateName: 'users', message: 'hello' });
    const { token, sessionId } = new SessionStore(first).create();
    const schemaBefore = schemaOf(first);
    first.close();
    const second = tmp.open();
    expect(second.pragma('user_version', { simple: true })).toBe(3);
    expect(schemaOf(second)).toEqual(schemaBefore);
    expect(new JobStore(second).get(jobId)).toMatchObject({ jobId, owner: 'owner-1', message: 'hello' });
    expect(new SessionStore(second).resolve(token)).toBe(sessionId);
    second.close();
    const third = tmp.open();
    expect(third.pragma('user_version', { simple: true })).toBe(3);
    expect(new JobStore(third).get(jobId)?.owner).toBe('owner-1');
  });

  it('upgrades a database of the first schema: its jobs keep their data and have no file name', async () => {
    await using tmp = await tempDb();
    const first = tmp.open();
    const jobId = randomUUID();
    new JobStore(first).create({ jobId, owner: 'owner-1', templateName: 'users', message: 'hello' });
    first.exec(
      'ALTER TABLE jobs DROP COLUMN file_name; ALTER TABLE jobs DROP COLUMN file_bytes; DROP TABLE store_probe;',
    );
    first.pragma('user_version = 1');
    first.close();
    const second = tmp.open();
    expect(second.pragma('user_version', { simple: true })).toBe(3);
    const job = new JobStore(second).get(jobId);
    expect(job).toMatchObject({ jobId, owner: 'owner-1', message: 'hello' });
    expect(job).not.toHaveProperty('fileName');
    expect(job).not.toHaveProperty('fileBytes');
  });
});

describe('probeWritable', () => {
  it('passes on a writable database and throws while the connection cannot write', async () => {
    await using tmp = await tempDb();
    const db = tmp.open();
    expect(() => probeWritable(db)).not.toThrow();
    const reading = db.prepare('SELECT 1 FROM sqlite_master').iterate();
    reading.next();
    expect(() => probeWritable(db)).toThrow(/busy/);
    reading.return?.();
    expect(() => probeWritable(db)).not.toThrow();
  });
});

describe('JobStore', () => {
  it('creates a job as started with zero counts', async () => {
    await using tmp = await tempDb();
    const jobs = new JobStore(tmp.open(), () => 1_700_000_000_000);
    const jobId = randomUUID();
    jobs.create({ jobId, owner: 'owner-1', templateName: 'users', message: 'Queued' });
    expect(jobs.get(jobId)).toEqual({
      jobId,
      owner: 'owner-1',
      templateName: 'users',
      status: 'started',
      progress: 0,
      message: 'Queued',
      processed: 0,
      total: null,
      inserted: 0,
      updated: 0,
      failed: 0,
      errors: [],
      lastEventId: null,
      createdAt: new Date(1_700_000_000_000),
      updatedAt: new Date(1_700_000_000_000),
      finishedAt: null,
      durationMs: null,
    });
    expect(jobs.get(randomUUID())).toBeUndefined();
  });

  it("keeps the uploaded file's name and size with the job", async () => {
    await using tmp = await tempDb();
    const jobs = new JobStore(tmp.open());
    const jobId = randomUUID();
    jobs.create({
      jobId,
      owner: 'o',
      templateName: 'users',
      message: '',
      fileName: 'März users.csv',
      fileBytes: 63_000,
    });
    expect(jobs.get(jobId)).toMatchObject({ fileName: 'März users.csv', fileBytes: 63_000 });
    expect(jobs.listByOwner('o', 1)[0]).toMatchObject({ fileName: 'März users.csv', fileBytes: 63_000 });
  });

  it('records progress and then the terminal state with its duration', async () => {
    await using tmp = await tempDb();
    let now = 1_000;
    const jobs = new JobStore(tmp.open(), () => now);
    const jobId = randomUUID();
    jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
    now = 1_500;
    jobs.recordProgress(jobId, update());
    expect(jobs.get(jobId)).toMatchObject({
      status: 'processing',
      progress: 40,
      message: 'Processing 40 of 100 rows',
      processed: 40,
      total: 100,
      inserted: 38,
      updated: 1,
      failed: 1,
      errors: ['Row 7: email: Invalid email address'],
      lastEventId: '5',
      updatedAt: new Date(1_500),
      finishedAt: null,
      durationMs: null,
    });
    now = 4_250;
    jobs.finish(
      jobId,
      update({
        status: 'completed',
        progress: 100,
        processed: 100,
        message: 'Imported 99 of 100 rows',
        lastEventId: '9',
      }),
    );
    expect(jobs.get(jobId)).toMatchObject({
      status: 'completed',
      progress: 100,
      processed: 100,
      lastEventId: '9',
      createdAt: new Date(1_000),
      finishedAt: new Date(4_250),
      durationMs: 3_250,
    });
    expect(jobs.countRunning('o')).toBe(0);
  });

  it('defaults optional counts to 0 and errors to []', async () => {
    await using tmp = await tempDb();
    const jobs = new JobStore(tmp.open());
    const jobId = randomUUID();
    jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
    jobs.recordProgress(jobId, {
      status: 'started',
      progress: 0,
      message: 'Queued 5 rows',
      processed: 0,
      total: 5,
      lastEventId: '1',
    });
    expect(jobs.get(jobId)).toMatchObject({
      inserted: 0,
      updated: 0,
      failed: 0,
      errors: [],
      total: 5,
      lastEventId: '1',
    });
  });

  it("lists an owner's jobs newest first, limited, and only theirs", async () => {
    await using tmp = await tempDb();
    let now = 10;
    const jobs = new JobStore(tmp.open(), () => now);
    const mine: string[] = [];
    for (let i = 0; i < 5; i++) {
      const jobId = randomUUID();
      mine.push(jobId);
      jobs.create({ jobId, owner: 'me', templateName: 'users', message: '' });
      jobs.create({ jobId: randomUUID(), owner: 'someone-else', templateName: 'users', message: '' });
      if (i !== 2) now += 10; // jobs 2 and 3 share a timestamp: insertion order breaks the tie
    }
    const newestFirst = [...mine].reverse();
    expect(jobs.listByOwner('me', 100).map((j) => j.jobId)).toEqual(newestFirst);
    expect(jobs.listByOwner('me', 2).map((j) => j.jobId)).toEqual(newestFirst.slice(0, 2));
    expect(jobs.listByOwner('me', 100).every((j) => j.owner === 'me')).toBe(true);
    expect(jobs.listByOwner('nobody', 10)).toEqual([]);
  });

  it('counts running jobs per owner and fails interrupted ones at start-up', async () => {
    await using tmp = await tempDb();
    let now = 100;
    const jobs = new JobStore(tmp.open(), () => now);
    const started = randomUUID();
    const processing = randomUUID();
    const done = randomUUID();
    const othersRunning = randomUUID();
    for (const [jobId, owner] of [
      [started, 'me'],
      [processing, 'me'],
      [done, 'me'],
      [othersRunning, 'you'],
    ] as const) {
      jobs.create({ jobId, owner, templateName: 'users', message: '' });
    }
    jobs.recordProgress(processing, update({ lastEventId: '12' }));
    jobs.finish(done, update({ status: 'completed', progress: 100, message: 'Imported', lastEventId: '20' }));
    expect(jobs.countRunning('me')).toBe(2);
    expect(jobs.countRunning('you')).toBe(1);
    expect(jobs.countRunning('nobody')).toBe(0);

    now = 700;
    const next = (last: string | null) => `after(${last})`;
    expect(jobs.failInterrupted('Interrupted by server restart', next)).toBe(3);
    expect(jobs.countRunning('me')).toBe(0);
    expect(jobs.countRunning('you')).toBe(0);
    expect(jobs.get(processing)).toMatchObject({
      status: 'failed',
      message: 'Interrupted by server restart',
      processed: 40,
      finishedAt: new Date(700),
      durationMs: 600,
      lastEventId: 'after(12)',
    });
    expect(jobs.get(started)).toMatchObject({
      status: 'failed',
      message: 'Interrupted by server restart',
      lastEventId: 'after(null)',
    });
    expect(jobs.get(done)).toMatchObject({ status: 'completed', message: 'Imported', lastEventId: '20' });
    expect(jobs.failInterrupted('again', next)).toBe(0);
  });

  it('stores rejected rows and reads them back lazily in row order', async () => {
    await using tmp = await tempDb();
    const db = tmp.open();
    const jobs = new JobStore(db);
    const jobId = randomUUID();
    const other = randomUUID();
    jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
    jobs.create({ jobId: other, owner: 'o', templateName: 'users', message: '' });
    jobs.addRowErrors(jobId, [
      { row: 9, message: 'Row 9: name: is required', cells: ['a@example.com', '', 'member'] },
      { row: 2, message: 'Row 2: email: Invalid email address', cells: ['=HYPERLINK("x")', 'A, "B"', 'admin'] },
    ]);
    jobs.addRowErrors(jobId, [{ row: 5, message: 'Row 5: expected 3 columns, got 2', cells: ['x', 'y'] }]);
    jobs.addRowErrors(other, [{ row: 1, message: 'other', cells: [] }]);
    const rows = jobs.rowErrors(jobId);
    expect(rows.next().value).toEqual({
      row: 2,
      message: 'Row 2: email: Invalid email address',
      cells: ['=HYPERLINK("x")', 'A, "B"', 'admin'],
    });
    expect([...rows].map((r) => r.row)).toEqual([5, 9]);
    expect([...jobs.rowErrors(randomUUID())]).toEqual([]);
    expect(() => jobs.addRowErrors(randomUUID(), [{ row: 1, message: 'orphan', cells: [] }])).toThrow(/FOREIGN KEY/);
  });

  it('reads rejected rows in pages, in row order across pages, and lets the database write while a reader waits', async () => {
    await using tmp = await tempDb();
    const db = tmp.open();
    const jobs = new JobStore(db);
    const jobId = randomUUID();
    jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
    // Rows 1-7, then 3 again (a second error on a row number already seen), across pages of 3.
    const errors = [1, 2, 3, 4, 5, 6, 7, 3].map((row, i) => ({ row, message: `error ${i}`, cells: [String(i)] }));
    jobs.addRowErrors(jobId, errors);
    const read = jobs.rowErrors(jobId, 3);
    expect(read.next().value).toMatchObject({ row: 1 });
    // A reader paused mid-way (a slow client) holds no statement open: writes and other reads go on.
    const other = randomUUID();
    jobs.create({ jobId: other, owner: 'o', templateName: 'users', message: '' });
    jobs.finish(other, {
      status: 'completed',
      progress: 100,
      message: 'done',
      processed: 0,
      total: 0,
      lastEventId: '2',
    });
    expect(jobs.get(other)).toMatchObject({ status: 'completed' });
    expect([...read].map((error) => `${error.row}:${error.message}`)).toEqual([
      '2:error 1',
      '3:error 2',
      '3:error 7',
      '4:error 3',
      '5:error 4',
      '6:error 5',
      '7:error 6',
    ]);
    expect([...jobs.rowErrors(jobId, 4)]).toHaveLength(8);
  });
});

describe('SessionStore', () => {
  it('issues 256-bit base64url tokens (43 chars), each resolving to its own session', async () => {
    await using tmp = await tempDb();
    const sessions = new SessionStore(tmp.open());
    const issued = Array.from({ length: 50 }, () => sessions.create());
    for (const { token, sessionId } of issued) {
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      expect(Buffer.from(token, 'base64url').toString('base64url')).toBe(token);
      expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(sessions.resolve(token)).toBe(sessionId);
    }
    expect(new Set(issued.map((s) => s.token)).size).toBe(50);
    expect(new Set(issued.map((s) => s.sessionId)).size).toBe(50);
  });

  it('resolves nothing for malformed or unknown tokens', async () => {
    await using tmp = await tempDb();
    const sessions = new SessionStore(tmp.open());
    const { token } = sessions.create();
    const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const candidate of [
      undefined,
      null,
      '',
      token.slice(0, 42),
      `${token}A`,
      ` ${token}`,
      `${token.slice(0, 42)}=`,
      `${token.slice(0, 42)}+`,
      `${token.slice(0, 42)}/`,
      token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase(),
      flipped,
      'A'.repeat(43),
      createHash('sha256').update(token).digest('hex'),
    ]) {
      expect(sessions.resolve(candidate)).toBeUndefined();
    }
  });

  it('stores only a SHA-256 hash of the token, never the token', async () => {
    await using tmp = await tempDb();
    const db = tmp.open();
    const sessions = new SessionStore(db, () => 42);
    const { token, sessionId } = sessions.create();
    const rows = db.prepare('SELECT * FROM sessions').all() as Array<Record<string, unknown>>;
    expect(rows).toEqual([
      { token_hash: createHash('sha256').update(token).digest('hex'), id: sessionId, created_at: 42 },
    ]);
    expect(JSON.stringify(rows)).not.toContain(token);
    db.pragma('wal_checkpoint(TRUNCATE)');
    for (const file of [tmp.path, `${tmp.path}-wal`]) {
      if (existsSync(file)) expect(readFileSync(file).includes(token)).toBe(false);
    }
  });
});
