import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStreamEvent } from '@jobstream/contracts';
import { createProgressHub, jobEvents, type ProgressHub, parseEventId } from '@jobstream/progress';
import { type JobRepository, PostgresStore, type SqliteStore, type Store } from '@jobstream/storage';
import { countRows, createSchema, startPostgresCluster } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, inject, it } from 'vitest';
import {
  CANCELLED_MESSAGE,
  ImportService,
  type ImportServiceOptions,
  INTERRUPTED_MESSAGE,
  RejectedFileError,
  STORE_UNAVAILABLE_MESSAGE,
  TooManyImportsError,
  usersTemplate,
} from '../src/index';
import { holdAfter, rowErrors, testStore, usersCsv } from './import-env';

interface ServiceEnv extends AsyncDisposable {
  store: Store;
  jobs: JobRepository;
  hub: ProgressHub;
  imports: ImportService;
  /** Writes an upload file and returns its path. */
  file(content: string | Buffer): Promise<string>;
}

/** An import service on a fresh store of the project's kind, or on `store` when given (the caller closes it). */
async function serviceEnv(options: Partial<ImportServiceOptions> = {}): Promise<ServiceEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-imports-'));
  const opened = options.store ? undefined : await testStore();
  const store = options.store ?? (opened?.store as Store);
  const hub = createProgressHub();
  const imports = new ImportService({ store, emitter: hub.emitter, ...options });
  let files = 0;
  return {
    store,
    jobs: store.jobs,
    hub,
    imports,
    async file(content) {
      const path = join(dir, `upload-${++files}.csv`);
      await writeFile(path, content);
      return path;
    },
    async [Symbol.asyncDispose]() {
      await imports.close();
      hub[Symbol.dispose]();
      await opened?.[Symbol.asyncDispose]();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function userCount(env: ServiceEnv): Promise<number> {
  return countRows(env.store, 'users');
}

/** How many of the owner's jobs the store shows running. */
async function running(env: ServiceEnv, owner: string): Promise<number> {
  const jobs = await env.jobs.listByOwner(owner, 100);
  return jobs.filter((job) => job.status === 'started' || job.status === 'processing').length;
}

/** Collects a job's stream (no conflation) until its terminal event. */
async function collect(hub: ProgressHub, jobId: string): Promise<Array<JobStreamEvent & { id: string }>> {
  const stream = jobEvents(hub, jobId, { conflate: false });
  const events: Array<JobStreamEvent & { id: string }> = [];
  for await (const event of stream) events.push({ id: event.id, ...event.data });
  return events;
}

describe('ImportService', () => {
  it('records the file with the job, reports started with the estimate, then progress, then the exact counts, keeping storage in step', async () => {
    await using env = await serviceEnv({ limits: { progressIntervalMs: 0 } });
    const jobId = randomUUID();
    const file = await env.file(`${usersCsv(300)}bad,Bad,member\n`);
    await env.imports.start({
      jobId,
      owner: 'me',
      template: usersTemplate,
      file,
      fileName: 'team.csv',
      fileBytes: 9_876,
    });
    expect(await env.jobs.get(jobId)).toMatchObject({ fileName: 'team.csv', fileBytes: 9_876 });
    const first = await env.hub.log.latest(jobId);
    expect(first?.payload).toMatchObject({ status: 'started', progress: 0, message: 'Queued 301 rows', total: 301 });
    const events = await collect(env.hub, jobId);
    await env.imports.settled(jobId);

    expect(events[0]).toMatchObject({ snapshot: true });
    const ids = events.map((e) => parseEventId(e.id)?.seq as number);
    expect(ids.every((id, i) => i === 0 || id === (ids[i - 1] as number) + 1)).toBe(true);
    const last = events.at(-1);
    expect(last).toMatchObject({
      event: 'upload-completed',
      payload: {
        jobId,
        templateName: 'users',
        status: 'completed',
        processed: 301,
        total: 301,
        inserted: 300,
        updated: 0,
        failed: 1,
        errors: ['Row 301: email: Invalid email address'],
      },
    });
    const progress = events.filter((e) => e.event === 'upload-progress' && e.payload.status === 'processing');
    expect(progress.at(-1)?.payload).toMatchObject({ progress: 100, message: 'Processing 301 of 301 rows' });
    expect(await env.jobs.get(jobId)).toMatchObject({
      owner: 'me',
      status: 'completed',
      progress: 100,
      message: 'Imported 300 of 301 rows',
      processed: 301,
      inserted: 300,
      failed: 1,
      lastEventId: last?.id,
    });
    await waitFor(() => expect(existsSync(file)).toBe(false));
  });

  it('ends a job whose file fails validation as failed with the reason, and deletes the file', async () => {
    await using env = await serviceEnv();
    const jobId = randomUUID();
    const file = await env.file('email,fullname\na@example.com,A\n');
    await env.imports.start({ jobId, owner: 'me', template: usersTemplate, file });
    await env.imports.settled(jobId);
    const stored = await env.jobs.get(jobId);
    expect(stored).toMatchObject({
      status: 'failed',
      message:
        "Header does not match template 'users' (expected email,name,role): missing columns: name, role; unknown columns: fullname",
    });
    expect(await env.hub.log.latest(jobId)).toMatchObject({
      event: 'upload-error',
      payload: { status: 'failed', message: stored?.message },
    });
    expect(stored?.lastEventId).toBe((await env.hub.log.latest(jobId))?.id);
    await waitFor(() => expect(existsSync(file)).toBe(false));
  });

  it('cancels a job held after its first batch: stored counts are exactly the committed rows', async () => {
    // No progress report before the cancel: the stored counts can only come from the committed batches.
    await using env = await serviceEnv({ limits: { batchSize: 100, progressIntervalMs: 3_600_000 } });
    const hold = holdAfter(100);
    env.imports.afterBatch = (_jobId, committed) => hold.onBatch(committed);
    const jobId = randomUUID();
    await env.imports.start({ jobId, owner: 'me', template: usersTemplate, file: await env.file(usersCsv(250)) });
    await hold.reached;
    expect(await env.imports.cancel(jobId)).toBe(true);
    await env.imports.settled(jobId);
    const stored = await env.jobs.get(jobId);
    expect(stored).toMatchObject({
      status: 'failed',
      message: CANCELLED_MESSAGE,
      processed: 100,
      inserted: 100,
      updated: 0,
      failed: 0,
    });
    expect(await userCount(env)).toBe(100);
    expect((await env.hub.log.latest(jobId))?.event).toBe('upload-error');
    expect(await env.imports.cancel(jobId)).toBe(false);
    expect(await env.imports.cancel(randomUUID())).toBe(false);
  });

  it('stores the committed counts of a job that fails mid-file, not the rows of the discarded batch', async () => {
    await using env = await serviceEnv({ limits: { batchSize: 100, maxRows: 230, progressIntervalMs: 3_600_000 } });
    const malformed = randomUUID();
    const bad = `${usersCsv(150)}bad,Bad,member\nlast@example.com,"Unclosed,member\n`;
    await env.imports.start({ jobId: malformed, owner: 'me', template: usersTemplate, file: await env.file(bad) });
    await env.imports.settled(malformed);
    expect(await env.jobs.get(malformed)).toMatchObject({
      status: 'failed',
      message: 'Malformed CSV at line 153: a quoted field is not closed',
      processed: 100,
      inserted: 100,
      failed: 0,
      errors: [],
    });
    expect(await userCount(env)).toBe(100);

    const tooMany = randomUUID();
    const lines = ['email,name,role'];
    for (let i = 0; i < 240; i++) lines.push(i === 120 ? 'oops,Oops,member' : `many${i}@example.com,Many ${i},member`);
    await env.imports.start({
      jobId: tooMany,
      owner: 'me',
      template: usersTemplate,
      file: await env.file(lines.join('\n')),
    });
    await env.imports.settled(tooMany);
    expect(await env.jobs.get(tooMany)).toMatchObject({
      status: 'failed',
      message: 'The file has more than 230 rows',
      processed: 200,
      inserted: 199,
      failed: 1,
      errors: ['Row 121: email: Invalid email address'],
    });
    expect(await userCount(env)).toBe(100 + 199);
    expect((await rowErrors(env.jobs, tooMany)).map((error) => error.row)).toEqual([121]);
  });

  it('on close, ends running jobs as interrupted without waiting for a held batch', async () => {
    const env = await serviceEnv({ limits: { batchSize: 100, progressIntervalMs: 3_600_000 } });
    const hold = holdAfter(100);
    env.imports.afterBatch = (_jobId, committed) => hold.onBatch(committed);
    const jobId = randomUUID();
    await env.imports.start({ jobId, owner: 'me', template: usersTemplate, file: await env.file(usersCsv(250)) });
    await hold.reached;
    await env.imports.close();
    expect(await env.jobs.get(jobId)).toMatchObject({ status: 'failed', message: INTERRUPTED_MESSAGE, processed: 100 });
    expect((await env.hub.log.latest(jobId))?.event).toBe('upload-error');
    await env[Symbol.asyncDispose]();
  });

  it('refuses a blank file or one that is not UTF-8 before recording a job, and deletes the file', async () => {
    await using env = await serviceEnv();
    for (const [content, message] of [
      ['\uFEFF\r\n  \n', 'The file is empty'],
      [
        Buffer.from('\uFEFFemail,name,role\n', 'utf16le'),
        'The file is not UTF-8 text (it starts with a UTF-16 byte order mark): save it as CSV UTF-8',
      ],
    ] as const) {
      const file = await env.file(content);
      const start = env.imports.start({ jobId: randomUUID(), owner: 'me', template: usersTemplate, file });
      await expect(start).rejects.toThrow(new RejectedFileError(message));
      expect(existsSync(file)).toBe(false);
    }
    expect(await env.jobs.listByOwner('me', 10)).toEqual([]);
    (await env.imports.reserve('me')).release();
  });

  it('fails the job at the first row over the column limit, as the parser reads it', async () => {
    await using env = await serviceEnv({ limits: { maxColumns: 5 } });
    const jobId = randomUUID();
    const file = await env.file('email,name,role\na@example.com,A,member\na,b,c,d,e,f\n');
    await env.imports.start({ jobId, owner: 'me', template: usersTemplate, file });
    await env.imports.settled(jobId);
    expect(await env.jobs.get(jobId)).toMatchObject({
      status: 'failed',
      message: 'Row 2 has too many columns (more than 5)',
    });
    expect(existsSync(file)).toBe(false);
  });

  it.runIf(inject('storeKind') === 'sqlite')(
    'ends a job failed when its database refuses to write mid-import, and the process goes on',
    async () => {
      const unexpected: unknown[] = [];
      await using env = await serviceEnv({
        limits: { batchSize: 100, progressIntervalMs: 3_600_000 },
        onUnexpectedError: (_jobId, error) => unexpected.push(error),
      });
      const hold = holdAfter(100);
      env.imports.afterBatch = (_jobId, committed) => hold.onBatch(committed);
      const jobId = randomUUID();
      await env.imports.start({ jobId, owner: 'me', template: usersTemplate, file: await env.file(usersCsv(250)) });
      await hold.reached;
      // A statement left open on the connection (what a lazily read errors.csv did) makes every write fail.
      const reading = (env.store as SqliteStore).db.prepare('SELECT 1 FROM sqlite_master').iterate();
      reading.next();
      hold.release();
      await env.imports.settled(jobId);
      expect(await env.hub.log.latest(jobId)).toMatchObject({
        event: 'upload-error',
        payload: { status: 'failed', message: 'Import failed unexpectedly' },
      });
      expect(unexpected.map(String)).toEqual([expect.stringContaining('busy'), expect.stringContaining('busy')]);
      reading.return?.();
      (await env.imports.reserve('me')).release();
      const next = randomUUID();
      env.imports.afterBatch = undefined;
      await env.imports.start({
        jobId: next,
        owner: 'me',
        template: usersTemplate,
        file: await env.file(usersCsv(50)),
      });
      await env.imports.settled(next);
      expect(await env.jobs.get(next)).toMatchObject({ status: 'completed', processed: 50, inserted: 0, updated: 50 });
    },
  );

  it.runIf(inject('storeKind') === 'postgres')(
    'ends a job failed when PostgreSQL stops mid-import, records the end once it is back, and imports again',
    async () => {
      // A cluster of its own: stopping the shared one would fail the other suites' tests.
      const cluster = await startPostgresCluster();
      try {
        const schema = await createSchema(cluster.url);
        await using store = await PostgresStore.open({ url: schema.url });
        const unexpected: unknown[] = [];
        await using env = await serviceEnv({
          store,
          retryEndMs: 50,
          limits: { batchSize: 100, progressIntervalMs: 3_600_000 },
          onUnexpectedError: (_jobId, error) => unexpected.push(error),
        });
        const hold = holdAfter(100);
        env.imports.afterBatch = (_jobId, committed) => hold.onBatch(committed);
        const jobId = randomUUID();
        await env.imports.start({ jobId, owner: 'me', template: usersTemplate, file: await env.file(usersCsv(250)) });
        await hold.reached;
        await cluster.halt();
        hold.release();
        // Subscribers hear the failure while the database is still down; the store records it when it is back.
        await waitFor(async () =>
          expect(await env.hub.log.latest(jobId)).toMatchObject({
            event: 'upload-error',
            payload: { status: 'failed', message: STORE_UNAVAILABLE_MESSAGE },
          }),
        );
        await cluster.start();
        await env.imports.settled(jobId);
        expect(await env.jobs.get(jobId)).toMatchObject({
          status: 'failed',
          message: STORE_UNAVAILABLE_MESSAGE,
          processed: 100,
          inserted: 100,
          lastEventId: (await env.hub.log.latest(jobId))?.id,
        });
        expect(await userCount(env)).toBe(100);
        expect(unexpected).toEqual([]);

        const next = randomUUID();
        env.imports.afterBatch = undefined;
        await env.imports.start({
          jobId: next,
          owner: 'me',
          template: usersTemplate,
          file: await env.file(usersCsv(150)),
        });
        await env.imports.settled(next);
        expect(await env.jobs.get(next)).toMatchObject({ status: 'completed', inserted: 50, updated: 100 });
      } finally {
        await cluster.stop();
      }
    },
  );

  it('marks jobs a previous process left running as interrupted', async () => {
    await using env = await serviceEnv();
    const jobId = randomUUID();
    await env.jobs.create({ jobId, owner: 'me', templateName: 'users', message: '' });
    const update = { status: 'processing', progress: 5, message: '', processed: 5, total: 100 } as const;
    await env.jobs.recordProgress(jobId, { ...update, lastEventId: 'e1:5' });
    expect(await env.imports.failInterrupted()).toBe(1);
    // The dead process may have delivered e1:6 before recording it: the failure never reuses that id.
    expect(await env.jobs.get(jobId)).toMatchObject({
      status: 'failed',
      message: INTERRUPTED_MESSAGE,
      lastEventId: 'e1:7',
    });
  });

  it('limits the imports one owner runs at once', async () => {
    await using env = await serviceEnv({ maxRunningPerOwner: 2, limits: { batchSize: 10 } });
    const hold = holdAfter(10);
    env.imports.afterBatch = (_jobId, committed) => hold.onBatch(committed);
    const owner = 'me';
    const ids = [randomUUID(), randomUUID()];
    for (const jobId of ids) {
      await env.imports.start({ jobId, owner, template: usersTemplate, file: await env.file(usersCsv(25)) });
    }
    expect(await running(env, owner)).toBe(2);
    await expect(env.imports.reserve(owner)).rejects.toThrow(TooManyImportsError);
    const file = await env.file(usersCsv(1));
    const third = env.imports.start({ jobId: randomUUID(), owner, template: usersTemplate, file });
    await expect(third).rejects.toThrow('At most 2 imports may run at once per session');
    (await env.imports.reserve('someone-else')).release();
    expect(await env.jobs.listByOwner(owner, 10)).toHaveLength(2);

    hold.release();
    await Promise.all(ids.map((jobId) => env.imports.settled(jobId)));
    expect(await running(env, owner)).toBe(0);
    (await env.imports.reserve(owner)).release();
  });

  it('enforces the per-owner limit when starts race', async () => {
    await using env = await serviceEnv({ maxRunningPerOwner: 1, limits: { batchSize: 10 } });
    const hold = holdAfter(10);
    env.imports.afterBatch = (_jobId, committed) => hold.onBatch(committed);
    const files = [await env.file(usersCsv(25)), await env.file(usersCsv(25)), await env.file(usersCsv(25))];
    const results = await Promise.allSettled(
      files.map((file) => env.imports.start({ jobId: randomUUID(), owner: 'me', template: usersTemplate, file })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual([
      expect.any(TooManyImportsError),
      expect.any(TooManyImportsError),
    ]);
    expect(await running(env, 'me')).toBe(1);
    hold.release();
  });
});
