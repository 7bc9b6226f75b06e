import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInTemplates, ImportService, TemplateRegistry } from '@jobstream/importer';
import { createProgressHub } from '@jobstream/progress';
import { type JobRecord, type JobRepository, SqliteStore } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiContext, type ConnectionHandle, createCallerFactory, ownerOnly } from '../src/index';
import { appRouter } from '../src/root';
import { terminalEventOf } from '../src/stored-events';

const dirs: string[] = [];
const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) await store[Symbol.asyncDispose]();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function connection(maxSubscriptions: number): ConnectionHandle {
  let open = 0;
  return {
    maxSubscriptions,
    writable: () => undefined,
    openSubscription() {
      if (open >= maxSubscriptions) return false;
      open++;
      return true;
    },
    closeSubscription: () => {
      open--;
    },
  };
}

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'jobstream-api-'));
  dirs.push(dir);
  const store = SqliteStore.open(join(dir, 'test.db'));
  stores.push(store);
  const hub = createProgressHub();
  const { jobs, sessions } = store;
  const services = {
    log: hub.log,
    delivery: hub.delivery,
    jobs,
    sessions,
    imports: new ImportService({ store, emitter: hub.emitter }),
    templates: new TemplateRegistry(builtInTemplates),
    authorize: ownerOnly,
  };
  const caller = (sessionId: string | null, maxSubscriptions = 10) =>
    createCallerFactory(appRouter)({
      ...services,
      caller: { sessionId },
      connection: connection(maxSubscriptions),
    } satisfies ApiContext);
  return { hub, jobs, sessions, services, caller };
}

async function stored(jobs: JobRepository, jobId: string): Promise<JobRecord> {
  const job = await jobs.get(jobId);
  if (!job) throw new Error(`job ${jobId} is not stored`);
  return job;
}

async function codeOf(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    return error instanceof TRPCError ? error.code : 'not a TRPCError';
  }
}

describe('appRouter', () => {
  it('answers another session’s job exactly as a missing one: NOT_FOUND', async () => {
    const { jobs, sessions, caller } = setup();
    const owner = (await sessions.create()).sessionId;
    const jobId = randomUUID();
    await jobs.create({ jobId, owner, templateName: 'users', message: '' });
    expect((await caller(owner).upload.get({ jobId })).jobId).toBe(jobId);
    expect(await codeOf(caller((await sessions.create()).sessionId).upload.get({ jobId }))).toBe('NOT_FOUND');
    expect(await codeOf(caller(null).upload.get({ jobId }))).toBe('NOT_FOUND');
    expect(await codeOf(caller(owner).upload.get({ jobId: randomUUID() }))).toBe('NOT_FOUND');
    expect(await codeOf(caller(null).upload.list())).toBe('UNAUTHORIZED');
  });

  it('refuses a subscription past the connection’s limit with TOO_MANY_REQUESTS', async () => {
    const { hub, jobs, sessions, caller } = setup();
    const owner = (await sessions.create()).sessionId;
    const jobId = randomUUID();
    await jobs.create({ jobId, owner, templateName: 'users', message: '' });
    hub.emitter.emitProgress(jobId, { jobId, templateName: 'users', status: 'started', progress: 0, message: '' });
    const stream = await caller(owner, 0).upload.onProgress({ jobId });
    expect(await codeOf(stream[Symbol.asyncIterator]().next())).toBe('TOO_MANY_REQUESTS');
  });

  it('rebuilds an ended job’s terminal event from storage with its stored id, and nothing for a running one', async () => {
    const { jobs, sessions } = setup();
    const owner = (await sessions.create()).sessionId;
    const jobId = randomUUID();
    await jobs.create({ jobId, owner, templateName: 'users', message: '' });
    expect(terminalEventOf(await stored(jobs, jobId))).toBeUndefined();
    await jobs.finish(jobId, {
      status: 'failed',
      progress: 10,
      message: 'Disk full',
      processed: 1,
      total: 10,
      lastEventId: 'aBcD1234:7',
    });
    expect(terminalEventOf(await stored(jobs, jobId))).toMatchObject({
      id: 'aBcD1234:7',
      seq: 7,
      event: 'upload-error',
      payload: { jobId, templateName: 'users', status: 'failed', message: 'Disk full' },
    });
  });

  it('states the upload limits the host gives, or null without any', async () => {
    const { services } = setup();
    const withLimits = createCallerFactory(appRouter)({
      ...services,
      uploadLimits: { maxUploadBytes: 1_000, maxRows: 10 },
      caller: { sessionId: null },
      connection: connection(1),
    } satisfies ApiContext);
    expect(await withLimits.upload.limits()).toEqual({ maxUploadBytes: 1_000, maxRows: 10 });
    expect(await setup().caller(null).upload.limits()).toBeNull();
  });

  it('lists the templates with their columns', async () => {
    const { caller } = setup();
    expect((await caller(null).upload.templates()).map((t) => t.name)).toEqual(['users', 'products']);
  });
});
