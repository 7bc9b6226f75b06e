import { createHash, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { EntityTable, ImportRow, JobProgressUpdate, Store } from '../src/index';

/** A store under test, with a clock the test moves. */
export interface StoreUnderTest extends AsyncDisposable {
  store: Store;
  clock: { now: number };
}

/** A users-like entity: email (key), name (required), role. */
export const USERS: EntityTable = {
  table: 'people',
  key: 'email',
  columns: [
    { name: 'email', type: 'TEXT', required: true },
    { name: 'name', type: 'TEXT', required: true },
    { name: 'role', type: 'TEXT', required: false },
  ],
};

export function update(overrides: Partial<JobProgressUpdate> = {}): JobProgressUpdate {
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
    lastEventId: 'e:5',
    ...overrides,
  };
}

/** A valid row numbered `row`, read from cells `email,name,role`. */
export function person(row: number, email: string, name = `Name ${row}`, role = 'member'): ImportRow {
  return { row, values: { email, name, role }, cells: [email, name, role] };
}

const POSITIONS = [0, 1, 2];

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/**
 * What every store does, run against one implementation: `make` opens a fresh, empty store whose clock the test
 * sets. SQLite and PostgreSQL run the same suite (`sqlite-store.test.ts`, `postgres-store.test.ts`).
 */
export function describeStore(name: string, make: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    it('records a job as started, and reads it back whole (file name and size included)', async () => {
      await using subject = await make();
      const { store, clock } = subject;
      clock.now = 1_700_000_000_000;
      const jobId = randomUUID();
      await store.jobs.create({ jobId, owner: 'owner-1', templateName: 'users', message: 'Queued' });
      expect(await store.jobs.get(jobId)).toEqual({
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
      expect(await store.jobs.get(randomUUID())).toBeUndefined();
      const named = randomUUID();
      await store.jobs.create({
        jobId: named,
        owner: 'o',
        templateName: 'users',
        message: '',
        fileName: 'März.csv',
        fileBytes: 63_000,
      });
      expect(await store.jobs.get(named)).toMatchObject({ fileName: 'März.csv', fileBytes: 63_000 });
      await expect(store.jobs.create({ jobId, owner: 'x', templateName: 'users', message: '' })).rejects.toThrow();
    });

    it('records progress, then the terminal state with its duration; optional counts default to 0', async () => {
      await using subject = await make();
      const { store, clock } = subject;
      clock.now = 1_000;
      const jobId = randomUUID();
      await store.jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
      clock.now = 1_500;
      await store.jobs.recordProgress(jobId, update());
      expect(await store.jobs.get(jobId)).toMatchObject({
        status: 'processing',
        progress: 40,
        processed: 40,
        total: 100,
        inserted: 38,
        updated: 1,
        failed: 1,
        errors: ['Row 7: email: Invalid email address'],
        lastEventId: 'e:5',
        updatedAt: new Date(1_500),
        finishedAt: null,
      });
      clock.now = 4_250;
      await store.jobs.finish(
        jobId,
        update({ status: 'completed', progress: 100, processed: 100, lastEventId: 'e:9' }),
      );
      expect(await store.jobs.get(jobId)).toMatchObject({
        status: 'completed',
        lastEventId: 'e:9',
        finishedAt: new Date(4_250),
        durationMs: 3_250,
      });
      const bare = randomUUID();
      await store.jobs.create({ jobId: bare, owner: 'o', templateName: 'users', message: '' });
      await store.jobs.recordProgress(bare, {
        status: 'started',
        progress: 0,
        message: 'Queued',
        processed: 0,
        total: 5,
        lastEventId: 'e:1',
      });
      expect(await store.jobs.get(bare)).toMatchObject({ inserted: 0, updated: 0, failed: 0, errors: [], total: 5 });
    });

    it("lists an owner's jobs newest first, limited, and only theirs", async () => {
      await using subject = await make();
      const { store, clock } = subject;
      clock.now = 10;
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) {
        const jobId = randomUUID();
        mine.push(jobId);
        await store.jobs.create({ jobId, owner: 'me', templateName: 'users', message: '' });
        await store.jobs.create({ jobId: randomUUID(), owner: 'someone-else', templateName: 'users', message: '' });
        if (i !== 2) clock.now += 10; // jobs 2 and 3 share a time: the order they were recorded in breaks the tie
      }
      const newestFirst = [...mine].reverse();
      expect((await store.jobs.listByOwner('me', 100)).map((j) => j.jobId)).toEqual(newestFirst);
      expect((await store.jobs.listByOwner('me', 2)).map((j) => j.jobId)).toEqual(newestFirst.slice(0, 2));
      expect(await store.jobs.listByOwner('nobody', 10)).toEqual([]);
    });

    it('lists the jobs recorded as running, oldest first, limited', async () => {
      await using subject = await make();
      const { store, clock } = subject;
      const ids: string[] = [];
      for (let i = 0; i < 4; i++) {
        clock.now = 100 + i;
        const jobId = randomUUID();
        ids.push(jobId);
        await store.jobs.create({ jobId, owner: 'me', templateName: 'users', message: '' });
      }
      await store.jobs.recordProgress(ids[1] as string, update());
      await store.jobs.finish(ids[2] as string, update({ status: 'completed', lastEventId: 'e:9' }));
      const running = [ids[0], ids[1], ids[3]];
      expect((await store.jobs.listRunning(10)).map((j) => j.jobId)).toEqual(running);
      expect((await store.jobs.listRunning(2)).map((j) => j.jobId)).toEqual(running.slice(0, 2));
    });

    it('fails the jobs left running, giving each the id after its last', async () => {
      await using subject = await make();
      const { store, clock } = subject;
      clock.now = 100;
      const [started, processing, done] = [randomUUID(), randomUUID(), randomUUID()];
      for (const jobId of [started, processing, done])
        await store.jobs.create({ jobId, owner: 'me', templateName: 'users', message: '' });
      await store.jobs.recordProgress(processing, update({ lastEventId: 'e:12' }));
      await store.jobs.finish(
        done,
        update({ status: 'completed', progress: 100, message: 'Imported', lastEventId: 'e:20' }),
      );
      clock.now = 700;
      const next = (last: string | null) => `after(${last})`;
      expect(await store.jobs.failInterrupted('Interrupted by server restart', next)).toBe(2);
      expect(await store.jobs.get(processing)).toMatchObject({
        status: 'failed',
        message: 'Interrupted by server restart',
        processed: 40,
        finishedAt: new Date(700),
        durationMs: 600,
        lastEventId: 'after(e:12)',
      });
      expect(await store.jobs.get(started)).toMatchObject({ status: 'failed', lastEventId: 'after(null)' });
      expect(await store.jobs.get(done)).toMatchObject({
        status: 'completed',
        message: 'Imported',
        lastEventId: 'e:20',
      });
      expect(await store.jobs.failInterrupted('again', next)).toBe(0);
    });

    it('issues 256-bit base64url tokens, stored as SHA-256 hashes only, and resolves nothing but a live token', async () => {
      await using subject = await make();
      const { sessions } = subject.store;
      const issued = await Promise.all(Array.from({ length: 20 }, () => sessions.create()));
      for (const { token, sessionId } of issued) {
        expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
        expect(Buffer.from(token, 'base64url')).toHaveLength(32);
        expect(sessionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
        expect(await sessions.resolve(token)).toBe(sessionId);
      }
      expect(new Set(issued.map((s) => s.token)).size).toBe(20);
      const { token } = issued[0] as { token: string };
      const flipped = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
      for (const candidate of [
        undefined,
        null,
        '',
        token.slice(0, 42),
        `${token}A`,
        ` ${token}`,
        flipped,
        'A'.repeat(43),
        createHash('sha256').update(token).digest('hex'),
      ]) {
        expect(await sessions.resolve(candidate)).toBeUndefined();
      }
    });

    it('imports rows: inserts, updates an existing key, and tells a key repeated in the file as a duplicate', async () => {
      await using subject = await make();
      const { store } = subject;
      const first = randomUUID();
      await store.jobs.create({ jobId: first, owner: 'o', templateName: 'people', message: '' });
      const one = await store.openImport(first, USERS);
      expect(
        await one.write({ rows: [person(1, 'a@x.io'), person(2, 'b@x.io')], rejected: [], positions: POSITIONS }),
      ).toEqual({
        inserted: 2,
        updated: 0,
        duplicates: [],
      });
      // A repeat within one batch and across batches of the same import: duplicates, in row order.
      const repeated = await one.write({
        rows: [person(3, 'c@x.io'), person(4, 'c@x.io', 'Again'), person(5, 'a@x.io', 'Again')],
        rejected: [{ row: 6, message: 'Row 6: email: Invalid email address', cells: ['nope', 'N', ''] }],
        positions: POSITIONS,
      });
      expect(repeated).toMatchObject({ inserted: 1, updated: 0 });
      expect(repeated.duplicates.map((d) => [d.row, d.message])).toEqual([
        [4, 'Row 4: email: duplicate of an earlier row'],
        [5, 'Row 5: email: duplicate of an earlier row'],
      ]);
      await one.close();
      const second = randomUUID();
      await store.jobs.create({ jobId: second, owner: 'o', templateName: 'people', message: '' });
      const two = await store.openImport(second, USERS);
      expect(
        await two.write({
          rows: [person(1, 'a@x.io', 'New'), person(2, 'z@x.io')],
          rejected: [],
          positions: POSITIONS,
        }),
      ).toEqual({
        inserted: 1,
        updated: 1,
        duplicates: [],
      });
      await two.close();
      expect((await all(store.jobs.rowErrors(first))).map((e) => e.row)).toEqual([4, 5, 6]);
      expect(await all(store.jobs.rowErrors(second))).toEqual([]);
    });

    it('keeps a key an import wrote a duplicate for it, even after another running import overwrote it', async () => {
      await using subject = await make();
      const { store } = subject;
      const [a, b] = [randomUUID(), randomUUID()];
      for (const jobId of [a, b]) await store.jobs.create({ jobId, owner: 'o', templateName: 'people', message: '' });
      const writerA = await store.openImport(a, USERS);
      const writerB = await store.openImport(b, USERS);
      expect(await writerA.write({ rows: [person(1, 'k@x.io')], rejected: [], positions: POSITIONS })).toMatchObject({
        inserted: 1,
      });
      expect(
        await writerB.write({ rows: [person(1, 'k@x.io', 'B')], rejected: [], positions: POSITIONS }),
      ).toMatchObject({ updated: 1 });
      const again = await writerA.write({ rows: [person(2, 'k@x.io', 'A again')], rejected: [], positions: POSITIONS });
      expect(again).toMatchObject({ inserted: 0, updated: 0 });
      expect(again.duplicates.map((d) => d.row)).toEqual([2]);
      await writerA.close();
      await writerB.close();
    });

    it('counts inserts and updates exactly when imports write the same keys at the same time', async () => {
      await using subject = await make();
      const { store } = subject;
      const jobs = [randomUUID(), randomUUID(), randomUUID()];
      for (const jobId of jobs) await store.jobs.create({ jobId, owner: 'o', templateName: 'people', message: '' });
      const writers = await Promise.all(jobs.map((jobId) => store.openImport(jobId, USERS)));
      // Each import writes the same 300 keys, in its own order, in batches of 50.
      const keys = Array.from({ length: 300 }, (_, i) => `k${i}@x.io`);
      const results = await Promise.all(
        writers.map(async (writer, w) => {
          const order = w === 1 ? [...keys].reverse() : keys;
          let inserted = 0;
          let updated = 0;
          for (let at = 0; at < order.length; at += 50) {
            const rows = order.slice(at, at + 50).map((email, i) => person(at + i + 1, email, `W${w}`));
            const written = await writer.write({ rows, rejected: [], positions: POSITIONS });
            inserted += written.inserted;
            updated += written.updated;
            expect(written.duplicates).toEqual([]);
          }
          return { inserted, updated };
        }),
      );
      // Every key was inserted by exactly one import and updated by the other two.
      expect(results.reduce((sum, r) => sum + r.inserted, 0)).toBe(300);
      expect(results.reduce((sum, r) => sum + r.updated, 0)).toBe(600);
      for (const writer of writers) await writer.close();
    });

    it('reads rejected rows in row order across pages, holding nothing open while a reader waits', async () => {
      await using subject = await make();
      const { store } = subject;
      const jobId = randomUUID();
      await store.jobs.create({ jobId, owner: 'o', templateName: 'people', message: '' });
      const writer = await store.openImport(jobId, USERS);
      // 1,200 rows in reverse order, and row 7 twice: more than two pages.
      const rejected = Array.from({ length: 1_200 }, (_, i) => ({
        row: 1_200 - i,
        message: `error ${1_200 - i}`,
        cells: ['x'],
      }));
      rejected.push({ row: 7, message: 'error 7 again', cells: ['y'] });
      await writer.write({ rows: [], rejected, positions: POSITIONS });
      await writer.close();
      const reader = store.jobs.rowErrors(jobId)[Symbol.asyncIterator]();
      expect((await reader.next()).value).toMatchObject({ row: 1 });
      // A reader paused mid-way (a slow client) holds nothing: the store writes and reads meanwhile.
      const other = randomUUID();
      await store.jobs.create({ jobId: other, owner: 'o', templateName: 'people', message: '' });
      await store.jobs.finish(other, update({ status: 'completed', progress: 100, lastEventId: 'e:2' }));
      await store.probe();
      const rest: number[] = [];
      for (let next = await reader.next(); !next.done; next = await reader.next()) rest.push(next.value.row);
      expect(rest).toHaveLength(1_200);
      expect(rest.slice(0, 7)).toEqual([2, 3, 4, 5, 6, 7, 7]);
      expect(rest.every((row, i) => i === 0 || row >= (rest[i - 1] as number))).toBe(true);
    });

    it('sweeps ended jobs (and their rejected rows) and unused sessions older than the cutoff, never a running job', async () => {
      await using subject = await make();
      const { store, clock } = subject;
      clock.now = 1_000;
      const oldSession = await store.sessions.create();
      const keptSession = await store.sessions.create();
      const [oldEnded, oldRunning, recentEnded] = [randomUUID(), randomUUID(), randomUUID()];
      await store.jobs.create({ jobId: oldEnded, owner: 'x', templateName: 'people', message: '' });
      await store.jobs.create({ jobId: oldRunning, owner: keptSession.sessionId, templateName: 'people', message: '' });
      const writer = await store.openImport(oldEnded, USERS);
      const rejected = [1, 2, 3].map((row) => ({ row, message: 'bad', cells: [] }));
      await writer.write({ rows: [], rejected, positions: POSITIONS });
      await writer.close();
      await store.jobs.finish(oldEnded, update({ status: 'failed', lastEventId: 'e:3' }));
      clock.now = 5_000;
      await store.jobs.create({ jobId: recentEnded, owner: 'x', templateName: 'people', message: '' });
      await store.jobs.finish(recentEnded, update({ status: 'completed', lastEventId: 'e:3' }));
      // At most `limit` of each per call: the job goes once its rejected rows have.
      expect(await store.sweep(new Date(4_000), 2)).toEqual({ rowErrors: 2, jobs: 0, sessions: 1 });
      expect(await store.jobs.get(oldEnded)).toBeDefined();
      expect(await store.sweep(new Date(4_000), 2)).toEqual({ rowErrors: 1, jobs: 1, sessions: 0 });
      expect(await store.jobs.get(oldEnded)).toBeUndefined();
      expect(await all(store.jobs.rowErrors(oldEnded))).toEqual([]);
      expect(await store.jobs.get(oldRunning)).toBeDefined();
      expect(await store.jobs.get(recentEnded)).toBeDefined();
      expect(await store.sessions.resolve(oldSession.token)).toBeUndefined();
      expect(await store.sessions.resolve(keptSession.token)).toBe(keptSession.sessionId);
      expect(await store.sweep(new Date(4_000), 2)).toEqual({ rowErrors: 0, jobs: 0, sessions: 0 });
    });

    it('answers a readiness probe', async () => {
      await using subject = await make();
      await expect(subject.store.probe()).resolves.toBeUndefined();
    });
  });
}
