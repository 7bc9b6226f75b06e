import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtInTemplates, ImportService, TemplateRegistry } from '@jobstream/importer';
import { createProgressHub } from '@jobstream/progress';
import { type JobRecord, JobStore, openDatabase, SessionStore } from '@jobstream/storage';
import { TRPCError } from '@trpc/server';
import { afterEach, describe, expect, it } from 'vitest';
import { type ApiContext, type ConnectionHandle, createCallerFactory, ownerOnly } from '../src/index';
import { appRouter } from '../src/root';
import { terminalEventOf } from '../src/stored-events';

const dirs: string[] = [];
afterEach(() => {
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
  const db = openDatabase(join(dir, 'test.db'));
  const hub = createProgressHub();
  const jobs = new JobStore(db);
  const sessions = new SessionStore(db);
  const services = {
    log: hub.log,
    delivery: hub.delivery,
    jobs,
    sessions,
    imports: new ImportService({ db, jobs, emitter: hub.emitter }),
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

function stored(jobs: JobStore, jobId: string): JobRecord {
  const job = jobs.get(jobId);
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
    const owner = sessions.create().sessionId;
    const jobId = randomUUID();
    jobs.create({ jobId, owner, templateName: 'users', message: '' });
    expect((await caller(owner).upload.get({ jobId })).jobId).toBe(jobId);
    expect(await codeOf(caller(sessions.create().sessionId).upload.get({ jobId }))).toBe('NOT_FOUND');
    expect(await codeOf(caller(null).upload.get({ jobId }))).toBe('NOT_FOUND');
    expect(await codeOf(caller(owner).upload.get({ jobId: randomUUID() }))).toBe('NOT_FOUND');
    expect(await codeOf(caller(null).upload.list())).toBe('UNAUTHORIZED');
  });

  it('refuses a subscription past the connection’s limit with TOO_MANY_REQUESTS', async () => {
    const { hub, jobs, sessions, caller } = setup();
    const owner = sessions.create().sessionId;
    const jobId = randomUUID();
    jobs.create({ jobId, owner, templateName: 'users', message: '' });
    hub.emitter.emitProgress(jobId, { jobId, templateName: 'users', status: 'started', progress: 0, message: '' });
    const stream = await caller(owner, 0).upload.onProgress({ jobId });
    expect(await codeOf(stream[Symbol.asyncIterator]().next())).toBe('TOO_MANY_REQUESTS');
  });

  it('rebuilds an ended job’s terminal event from storage with its stored id, and nothing for a running one', () => {
    const { jobs, sessions } = setup();
    const owner = sessions.create().sessionId;
    const jobId = randomUUID();
    jobs.create({ jobId, owner, templateName: 'users', message: '' });
    expect(terminalEventOf(stored(jobs, jobId))).toBeUndefined();
    jobs.finish(jobId, {
      status: 'failed',
      progress: 10,
      message: 'Disk full',
      processed: 1,
      total: 10,
      lastEventId: 'aBcD1234:7',
    });
    expect(terminalEventOf(stored(jobs, jobId))).toMatchObject({
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
