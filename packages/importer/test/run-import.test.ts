import { randomUUID } from 'node:crypto';
import type { SqliteStore } from '@jobstream/storage';
import { countRows, selectRows } from '@jobstream/storage/testing';
import { describe, expect, inject, it } from 'vitest';
import { z } from 'zod';
import {
  blankAsUndefined,
  defineTemplate,
  type ImportCounts,
  ImportFailure,
  productsTemplate,
  runImport,
  usersTemplate,
} from '../src/index';
import { failure, importEnv, rowErrors, userRows, usersCsv } from './import-env';

describe('runImport', () => {
  it('imports valid rows and rejects invalid ones with exact messages, storing every rejected row', async () => {
    await using env = await importEnv();
    const csv = [
      'email,name,role',
      'ok@example.com,Ok,admin',
      'not-an-email,Bad Email,member',
      'blank@example.com,   ,member',
      `long@example.com,${'x'.repeat(201)},member`,
      'role@example.com,Bad Role,owner',
      'default@example.com,  Default Role  ,',
      'short@example.com,Too Few',
      'OK@Example.com,Duplicate,viewer',
      'extra@example.com,Extra,member,surplus',
      ',,',
    ].join('\n');
    const { jobId, counts } = await env.run(csv);
    expect(counts).toEqual({
      processed: 10,
      total: 10,
      inserted: 2,
      updated: 0,
      failed: 8,
      errors: [
        'Row 2: email: Invalid email address',
        'Row 3: name: is required',
        'Row 4: name: must be at most 200 characters',
        'Row 5: role: must be one of admin, member, viewer',
        'Row 7: role: missing (the row has 2 of 3 columns)',
        'Row 8: email: duplicate of an earlier row',
        'Row 9: column 4: unexpected (the row has 4 columns, the header 3)',
        'Row 10: email: Invalid email address',
        'Row 10: name: is required',
      ],
    });
    expect(await userRows(env.store)).toEqual([
      { email: 'default@example.com', name: 'Default Role', role: 'member' },
      { email: 'ok@example.com', name: 'Ok', role: 'admin' },
    ]);
    const stored = await rowErrors(env.jobs, jobId);
    expect(stored.map((e) => e.row)).toEqual([2, 3, 4, 5, 7, 8, 9, 10]);
    expect(stored[0]).toEqual({
      row: 2,
      message: 'Row 2: email: Invalid email address',
      cells: ['not-an-email', 'Bad Email', 'member'],
    });
    expect(stored[4]).toEqual({
      row: 7,
      message: 'Row 7: role: missing (the row has 2 of 3 columns)',
      cells: ['short@example.com', 'Too Few', ''],
    });
    expect(stored[7]).toEqual({
      row: 10,
      message: 'Row 10: email: Invalid email address; Row 10: name: is required',
      cells: ['', '', ''],
    });
  });

  it('updates rows whose key exists from an earlier import (case-insensitively)', async () => {
    await using env = await importEnv();
    await env.run(usersCsv(3));
    const { counts } = await env.run('email,name,role\nUSER1@EXAMPLE.COM,Renamed,viewer\nnew@example.com,New,\n');
    expect(counts).toMatchObject({ processed: 2, inserted: 1, updated: 1, failed: 0 });
    expect((await userRows(env.store)).find((r) => r.email === 'user1@example.com')).toEqual({
      email: 'user1@example.com',
      name: 'Renamed',
      role: 'viewer',
    });
    expect(await userRows(env.store)).toHaveLength(4);
  });

  it('rejects a key repeated across batches, and a repeat of a key it updated, keeping the first values', async () => {
    await using env = await importEnv();
    await env.run('email,name,role\nold@example.com,Old,viewer\n');
    const csv = [
      'email,name,role',
      'a@example.com,First A,admin',
      'old@example.com,Old Renamed,member',
      'b@example.com,B,member',
      'bad,Bad,member',
      'A@example.com,Second A,viewer',
      'old@example.com,Old Again,admin',
    ].join('\n');
    const { jobId, counts } = await env.run(csv, { limits: { batchSize: 2 } });
    expect(counts).toMatchObject({ processed: 6, inserted: 2, updated: 1, failed: 3 });
    expect(counts.errors).toEqual([
      'Row 4: email: Invalid email address',
      'Row 5: email: duplicate of an earlier row',
      'Row 6: email: duplicate of an earlier row',
    ]);
    expect(await userRows(env.store)).toEqual([
      { email: 'a@example.com', name: 'First A', role: 'admin' },
      { email: 'b@example.com', name: 'B', role: 'member' },
      { email: 'old@example.com', name: 'Old Renamed', role: 'member' },
    ]);
    expect((await rowErrors(env.jobs, jobId)).map(({ row, cells }) => ({ row, cells }))).toEqual([
      { row: 4, cells: ['bad', 'Bad', 'member'] },
      { row: 5, cells: ['A@example.com', 'Second A', 'viewer'] },
      { row: 6, cells: ['old@example.com', 'Old Again', 'admin'] },
    ]);
  });

  // Only SQLite databases predate the marker column.
  it.runIf(inject('storeKind') === 'sqlite')(
    'imports into a table made before rows were marked with their import, adding the marker',
    async () => {
      await using env = await importEnv();
      const { db } = env.store as SqliteStore;
      db.exec(
        'CREATE TABLE users (email TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, updated_at INTEGER NOT NULL)',
      );
      db.prepare("INSERT INTO users VALUES ('kept@example.com', 'Kept', 'viewer', 0)").run();
      const { counts } = await env.run(
        'email,name,role\nkept@example.com,Kept Again,admin\nkept@example.com,Twice,admin\n',
      );
      expect(counts).toMatchObject({ processed: 2, inserted: 0, updated: 1, failed: 1 });
      expect(await userRows(env.store)).toEqual([{ email: 'kept@example.com', name: 'Kept Again', role: 'admin' }]);
    },
  );

  it('reads a BOM and CRLF line ends', async () => {
    await using env = await importEnv();
    const { counts } = await env.run(Buffer.from(`\uFEFF${usersCsv(3, '\r\n')}`, 'utf8'));
    expect(counts).toMatchObject({ processed: 3, inserted: 3, failed: 0, errors: [] });
    expect((await userRows(env.store)).map((r) => r.role)).toEqual(['admin', 'member', 'member']);
    expect((await userRows(env.store))[0]?.email).toBe('user0@example.com');
  });

  it('reads quoted fields holding commas, quotes and newlines, numbering rows by record', async () => {
    await using env = await importEnv();
    const csv = [
      'email,name,role',
      '"a@example.com","Smith, John",admin',
      'b@example.com,"Line one',
      'Line two",member',
      'c@example.com,"He said ""hi""",viewer',
      'd@example.com,"Multi',
      'line",owner',
      '',
    ].join('\r\n');
    const { jobId, counts } = await env.run(csv);
    expect(counts).toMatchObject({
      processed: 4,
      total: 4,
      inserted: 3,
      failed: 1,
      errors: ['Row 4: role: must be one of admin, member, viewer'],
    });
    expect(await userRows(env.store)).toEqual([
      { email: 'a@example.com', name: 'Smith, John', role: 'admin' },
      { email: 'b@example.com', name: 'Line one\r\nLine two', role: 'member' },
      { email: 'c@example.com', name: 'He said "hi"', role: 'viewer' },
    ]);
    expect((await rowErrors(env.jobs, jobId))[0]?.cells).toEqual(['d@example.com', 'Multi\r\nline', 'owner']);
  });

  it('accepts the header in any order and case, with spaces around names', async () => {
    await using env = await importEnv();
    const { counts } = await env.run(' ROLE ,Name,EMAIL\nviewer,Ada,ada@example.com\n,Bob,bob@example.com\n');
    expect(counts).toMatchObject({ processed: 2, inserted: 2, failed: 0 });
    expect(await userRows(env.store)).toEqual([
      { email: 'ada@example.com', name: 'Ada', role: 'viewer' },
      { email: 'bob@example.com', name: 'Bob', role: 'member' },
    ]);
  });

  it('fails on a header with repeated, missing or unknown columns, naming them', async () => {
    await using env = await importEnv();
    expect(await failure(env.run('email,name,role,Email\na@example.com,A,member,b@example.com\n'))).toBe(
      "Header does not match template 'users' (expected email,name,role): repeated columns: email",
    );
    expect(await failure(env.run('email,Email,fullname\n'))).toBe(
      "Header does not match template 'users' (expected email,name,role): missing columns: name, role; unknown columns: fullname; repeated columns: email",
    );
    expect(await userRows(env.store)).toEqual([]);
  });

  it('fails an empty file or one with only blank lines', async () => {
    await using env = await importEnv();
    expect(await failure(env.run(''))).toBe('The file is empty');
    expect(await failure(env.run('\r\n\r\n'))).toBe('The file is empty');
    expect(await failure(env.run('\n\n\n'))).toBe('The file is empty');
  });

  it('completes a header-only file with zero rows', async () => {
    await using env = await importEnv();
    const { counts, reports } = await env.run('email,name,role\n');
    expect(counts).toEqual({ processed: 0, total: 0, inserted: 0, updated: 0, failed: 0, errors: [] });
    expect(reports).toEqual([counts]);
  });

  it('enforces maxRows: exactly the limit passes, one more fails the job', async () => {
    await using env = await importEnv();
    const { counts } = await env.run(usersCsv(5), { limits: { maxRows: 5 } });
    expect(counts).toMatchObject({ processed: 5, inserted: 5 });
    expect(await failure(env.run(usersCsv(6), { limits: { maxRows: 5 } }))).toBe('The file has more than 5 rows');
  });

  it('enforces maxRowLength with the line number of the long row', async () => {
    await using env = await importEnv();
    const csv = `email,name,role\na@example.com,A,member\nb@example.com,${'x'.repeat(5_000)},member\n`;
    expect(await failure(env.run(csv, { limits: { maxRowLength: 1_024 } }))).toBe(
      'Malformed CSV at line 3: a row is longer than the allowed size',
    );
  });

  it('fails a huge single line (no newline) under the default limit with its line number', async () => {
    await using env = await importEnv();
    const huge = Buffer.concat([Buffer.from('email,name,role\nx@example.com,'), Buffer.alloc(8 * 1024 * 1024, 'y')]);
    expect(await failure(env.run(huge))).toBe('Malformed CSV at line 2: a row is longer than the allowed size');
  });

  it('fails a file with an unclosed quote with its line number', async () => {
    await using env = await importEnv();
    expect(await failure(env.run('email,name,role\na@example.com,A,member\nb@example.com,"Unclosed,member\n'))).toBe(
      'Malformed CSV at line 3: a quoted field is not closed',
    );
  });

  it('paces an import at rowsPerSecond: it takes at least the time that rate allows', async () => {
    await using env = await importEnv();
    const started = performance.now();
    const { counts } = await env.run(usersCsv(2_000), { limits: { rowsPerSecond: 10_000, batchSize: 500 } });
    expect(counts).toMatchObject({ processed: 2_000, inserted: 2_000 });
    // 2,000 rows at 10,000 a second: the last batch is due 200 ms after the start (a busy machine only adds to it).
    expect(performance.now() - started).toBeGreaterThanOrEqual(195);
  });

  it('keeps the batches committed before an abort', async () => {
    await using env = await importEnv();
    const abort = new AbortController();
    const rejected = await env
      .run(usersCsv(10_000), {
        signal: abort.signal,
        limits: { batchSize: 100, progressIntervalMs: 0 },
        onProgress: (c) => {
          if (c.processed >= 500) abort.abort();
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(rejected).toBeInstanceOf(Error);
    expect(rejected).not.toBeInstanceOf(ImportFailure);
    expect((rejected as Error).name).toBe('AbortError');
    // Progress is reported every 64 rows, after a flush: the abort came at row 512, all of which were committed.
    expect(await userRows(env.store)).toHaveLength(512);
  });

  it('passes onBatch the counts of the committed rows only, and a failure discards the batch being read', async () => {
    await using env = await importEnv();
    const committed: ImportCounts[] = [];
    const csv = `${usersCsv(250)}bad,Bad,member\nlast@example.com,"Unclosed,member\n`;
    const message = await failure(
      env.run(csv, {
        limits: { batchSize: 100, progressIntervalMs: 3_600_000 },
        onBatch: (c) => void committed.push(structuredClone(c)),
      }),
    );
    expect(message).toBe('Malformed CSV at line 253: a quoted field is not closed');
    expect(committed.map((c) => [c.processed, c.inserted, c.failed])).toEqual([
      [100, 100, 0],
      [200, 200, 0],
    ]);
    expect(await userRows(env.store)).toHaveLength(200);
  });

  it('awaits onBatch before reading on, and an abort ends that wait at once, keeping what was committed', async () => {
    await using env = await importEnv();
    const abort = new AbortController();
    const held: number[] = [];
    const never = new Promise<void>(() => {});
    const rejected = await env
      .run(usersCsv(1_000), {
        signal: abort.signal,
        limits: { batchSize: 100, progressIntervalMs: 3_600_000 },
        onBatch: async (c) => {
          held.push(c.processed);
          // Everything read so far is committed while the import waits here.
          expect(await userRows(env.store)).toHaveLength(c.processed);
          if (c.processed === 300) {
            abort.abort();
            return never;
          }
        },
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect((rejected as Error).name).toBe('AbortError');
    expect(held).toEqual([100, 200, 300]);
    expect(await userRows(env.store)).toHaveLength(300);
  });

  it('writes nothing when the signal is already aborted', async () => {
    await using env = await importEnv();
    const rejected = await env.run(usersCsv(10), { signal: AbortSignal.abort() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((rejected as Error).name).toBe('AbortError');
    expect(await userRows(env.store)).toEqual([]);
  });

  it('reports progress every 64 rows at most, after committing, and exact counts at the end', async () => {
    await using env = await importEnv();
    const seen: number[] = [];
    const { counts, reports } = await env.run(usersCsv(1_000), {
      limits: { progressIntervalMs: 0, batchSize: 10_000 },
      onProgress: async (c) => {
        seen.push(await countRows(env.store, 'users'));
        expect(seen.at(-1)).toBe(c.inserted);
      },
    });
    expect(reports.map((r) => r.processed)).toEqual([
      64, 128, 192, 256, 320, 384, 448, 512, 576, 640, 704, 768, 832, 896, 960, 1000,
    ]);
    expect(reports.every((r) => r.total === 1_000)).toBe(true);
    expect(reports.at(-1)).toEqual(counts);
    expect(counts).toEqual({ processed: 1000, total: 1000, inserted: 1000, updated: 0, failed: 0, errors: [] });
  });

  it('raises total to the rows seen when the estimate was too low, and settles it exactly at the end', async () => {
    await using env = await importEnv();
    const file = await env.file(usersCsv(300));
    const jobId = randomUUID();
    await env.jobs.create({ jobId, owner: 'o', templateName: 'users', message: '' });
    const reports: ImportCounts[] = [];
    const counts = await runImport({
      jobId,
      template: usersTemplate,
      file,
      estimatedRows: 100,
      store: env.store,
      limits: { progressIntervalMs: 0 },
      onProgress: (c) => {
        reports.push({ ...c });
      },
    });
    expect(reports.every((r) => r.total >= r.processed)).toBe(true);
    expect(counts.total).toBe(300);
  });

  it('carries at most maxErrorsInEvent errors in the counts but stores every rejected row', async () => {
    await using env = await importEnv();
    const lines = ['email,name,role'];
    for (let i = 0; i < 30; i++) lines.push(`bad${i},Name,member`);
    const { jobId, counts } = await env.run(lines.join('\n'), { limits: { maxErrorsInEvent: 5 } });
    expect(counts.failed).toBe(30);
    expect(counts.errors).toEqual([1, 2, 3, 4, 5].map((n) => `Row ${n}: email: Invalid email address`));
    expect(await rowErrors(env.jobs, jobId)).toHaveLength(30);
  });
});

describe('defineTemplate', () => {
  const contacts = defineTemplate({
    name: 'contacts',
    label: 'Contacts',
    table: 'contacts',
    key: 'phone',
    columns: z.object({
      phone: z
        .string()
        .trim()
        .regex(/^\+?\d{6,15}$/, 'must be a phone number')
        .describe('Phone number, digits'),
      nickname: blankAsUndefined(z.string().trim().max(20, 'is too long').optional()),
      tier: blankAsUndefined(z.enum(['gold', 'silver'], 'must be gold or silver').default('silver')).describe(
        'gold or silver',
      ),
    }),
  });

  it('describes each column: required or not, and its description', () => {
    expect(contacts.headers).toEqual(['phone', 'nickname', 'tier']);
    expect(contacts.info).toEqual({
      name: 'contacts',
      label: 'Contacts',
      key: 'phone',
      columns: [
        { name: 'phone', required: true, description: 'Phone number, digits' },
        { name: 'nickname', required: false, description: '' },
        { name: 'tier', required: false, description: 'gold or silver' },
      ],
    });
    expect(usersTemplate.info.columns).toEqual([
      { name: 'email', required: true, description: 'Email address; unique, compared case-insensitively' },
      { name: 'name', required: true, description: 'Display name, 1-200 characters' },
      { name: 'role', required: false, description: 'admin, member or viewer; empty means member' },
    ]);
    expect(productsTemplate.info.columns.map((c) => [c.name, c.required])).toEqual([
      ['sku', true],
      ['name', true],
      ['price', true],
      ['quantity', true],
    ]);
  });

  it('validates a row into stored values and its key, or into field errors', () => {
    expect(contacts.validate({ phone: ' +4412345678 ', nickname: '  ', tier: '' })).toEqual({
      ok: true,
      row: { phone: '+4412345678', tier: 'silver' },
      key: '+4412345678',
    });
    expect(contacts.validate({ phone: 'x', nickname: 'y'.repeat(21), tier: 'bronze' })).toEqual({
      ok: false,
      errors: ['phone: must be a phone number', 'nickname: is too long', 'tier: must be gold or silver'],
    });
  });

  it('imports into its own table through runImport, storing absent optional cells as NULL', async () => {
    await using env = await importEnv();
    const { counts } = await env.run('tier,phone,nickname\ngold,123456,Al\n,654321,\n', { template: contacts });
    expect(counts).toMatchObject({ processed: 2, inserted: 2, failed: 0 });
    expect(await selectRows(env.store, 'SELECT phone, nickname, tier FROM contacts ORDER BY phone')).toEqual([
      { phone: '123456', nickname: 'Al', tier: 'gold' },
      { phone: '654321', nickname: null, tier: 'silver' },
    ]);
  });

  it('stores every column as TEXT unless sqlTypes names another type', () => {
    expect(contacts.sqlTypes).toEqual({ phone: 'TEXT', nickname: 'TEXT', tier: 'TEXT' });
    expect(productsTemplate.sqlTypes).toEqual({ sku: 'TEXT', name: 'TEXT', price: 'TEXT', quantity: 'INTEGER' });
  });

  it('names every column for a check on the whole row that gives no path, and the field for one that does', () => {
    const ranges = defineTemplate({
      name: 'ranges',
      label: 'Ranges',
      table: 'ranges',
      key: 'id',
      columns: z
        .object({ id: z.string(), low: z.coerce.number(), high: z.coerce.number() })
        .refine((row) => row.low <= row.high, 'low must not exceed high')
        .refine((row) => row.id !== 'x', { message: 'is reserved', path: ['id'] }),
    });
    expect(ranges.validate({ id: 'x', low: '2', high: '1' })).toEqual({
      ok: false,
      errors: ['id, low, high: low must not exceed high', 'id: is reserved'],
    });
  });
});
