import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type JobRepository, openStore, type Store } from '@jobstream/storage';
import { selectRows, testStoreLocation } from '@jobstream/storage/testing';
import { expect, inject } from 'vitest';
import {
  estimateDataRows,
  type ImportCounts,
  ImportFailure,
  type ImportLimits,
  type ImportTemplate,
  runImport,
  usersTemplate,
} from '../src/index';

/** One test's import environment. */
export interface ImportEnv extends AsyncDisposable {
  dir: string;
  store: Store;
  jobs: JobRepository;
  /** Writes `content` to a new file in the temp dir and returns its path. */
  file(content: string | Buffer): Promise<string>;
  /** Imports `content` as a new job; resolves with the counts and every progress report. */
  run(
    content: string | Buffer,
    options?: {
      template?: ImportTemplate;
      limits?: Partial<ImportLimits>;
      signal?: AbortSignal;
      onProgress?: (c: Readonly<ImportCounts>) => void | Promise<void>;
      onBatch?: (c: Readonly<ImportCounts>) => void | Promise<void>;
    },
  ): Promise<{ jobId: string; counts: ImportCounts; reports: ImportCounts[] }>;
}

/** An empty store of the project's kind (`storeKind`: a SQLite file, or a PostgreSQL schema), opened. */
export async function testStore(): Promise<{ store: Store } & AsyncDisposable> {
  const place = await testStoreLocation(inject('storeKind'), inject('postgresUrl'));
  const store = await openStore(place.location);
  return {
    store,
    async [Symbol.asyncDispose]() {
      await store[Symbol.asyncDispose]();
      await place[Symbol.asyncDispose]();
    },
  };
}

/** A real store (the project's kind), a temp dir for upload files, and a way to import files into the store. */
export async function importEnv(): Promise<ImportEnv> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-importer-'));
  const opened = await testStore();
  const { store } = opened;
  const jobs = store.jobs;
  let files = 0;
  const env: ImportEnv = {
    dir,
    store,
    jobs,
    async file(content) {
      const path = join(dir, `upload-${++files}.csv`);
      await writeFile(path, content);
      return path;
    },
    async run(content, options = {}) {
      const template = options.template ?? usersTemplate;
      const file = await env.file(content);
      const jobId = randomUUID();
      await jobs.create({ jobId, owner: 'owner', templateName: template.name, message: '' });
      const reports: ImportCounts[] = [];
      const counts = await runImport({
        jobId,
        template,
        file,
        estimatedRows: await estimateDataRows(file),
        store,
        signal: options.signal,
        limits: options.limits,
        onProgress: (c) => {
          reports.push(structuredClone(c));
          return options.onProgress?.(c);
        },
        onBatch: options.onBatch,
      });
      return { jobId, counts, reports };
    },
    async [Symbol.asyncDispose]() {
      await opened[Symbol.asyncDispose]();
      await rm(dir, { recursive: true, force: true });
    },
  };
  return env;
}

/** Runs an import that must fail; returns the ImportFailure message. */
export async function failure(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ImportFailure);
  return (error as ImportFailure).message;
}

/** A users CSV with `rows` valid rows. */
export function usersCsv(rows: number, newline = '\n'): string {
  const lines = ['email,name,role'];
  for (let i = 0; i < rows; i++) lines.push(`user${i}@example.com,User ${i},${i % 3 === 0 ? 'admin' : 'member'}`);
  return lines.join(newline) + newline;
}

/** The users table, by email. */
export function userRows(store: Store): Promise<Array<{ email: string; name: string; role: string }>> {
  return selectRows(store, 'SELECT email, name, role FROM users ORDER BY email');
}

/** A job's rejected rows, all of them. */
export async function rowErrors(jobs: JobRepository, jobId: string) {
  const errors = [];
  for await (const error of jobs.rowErrors(jobId)) errors.push(error);
  return errors;
}

/** A promise a test resolves when it chooses, and one the code under test resolves when it gets somewhere. */
function latch(): { promise: Promise<void>; open(): void } {
  let open = () => {};
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

/** A batch hook (`onBatch`, or `afterBatch` without its job id) that holds an import once `rows` rows are committed, until `release`. */
export function holdAfter(rows: number) {
  const reached = latch();
  const release = latch();
  const onBatch = (committed: Readonly<ImportCounts>) => {
    if (committed.processed !== rows) return;
    reached.open();
    return release.promise;
  };
  return { onBatch, reached: reached.promise, release: release.open };
}
