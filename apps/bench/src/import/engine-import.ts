import { randomUUID } from 'node:crypto';
import type { JobStreamEvent } from '@jobstream/contracts';
import { estimateDataRows, JobReporter, runImport, usersTemplate } from '@jobstream/importer';
import { createProgressHub, type DeliveredEvent, jobEvents } from '@jobstream/progress';
import { type JobRepository, openStore, type StoreLocation } from '@jobstream/storage';

/** What one engine import did. */
export interface EngineImportOutcome {
  rows: number;
  failed: number;
  /** Events the in-process subscriber received (0 with progress off). */
  events: number;
  /** The subscriber's last event, with progress on. */
  last?: JobStreamEvent;
  /** Time spent in the reporter's calls, ms (progress on): the emitter (validation, history, wake-ups) and the job store. */
  reportingMs?: number;
}

/** Adds up the time spent reporting progress, on the import's own thread. */
class ReportingClock {
  ms = 0;

  async time<T>(work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.ms += performance.now() - started;
    }
  }
}

interface Reporting {
  reporter: JobReporter;
  clock: ReportingClock;
  followed: Promise<{ events: number; last?: JobStreamEvent }>;
}

async function follow(stream: AsyncIterable<DeliveredEvent>) {
  let events = 0;
  let last: JobStreamEvent | undefined;
  for await (const { data } of stream) {
    events++;
    last = data;
  }
  return last ? { events, last } : { events };
}

/** Reports the job started through a fresh progress hub, with one in-process subscriber following it. */
async function startReporting(jobs: JobRepository, jobId: string, estimatedRows: number): Promise<Reporting> {
  const hub = createProgressHub();
  const reporter = new JobReporter(hub.emitter, jobs, {
    jobId,
    templateName: usersTemplate.name,
    startedAt: Date.now(),
  });
  const clock = new ReportingClock();
  await clock.time(() => reporter.started(estimatedRows));
  return { reporter, clock, followed: follow(jobEvents(hub, jobId)) };
}

/**
 * Imports a users CSV with the import engine as the import service runs it: count the rows, then `runImport`. With
 * `progress`, a `JobReporter` reports to a progress hub and the job store, and one in-process subscriber follows.
 */
export async function runEngineImport(options: {
  file: string;
  store: StoreLocation;
  progress: boolean;
}): Promise<EngineImportOutcome> {
  const store = await openStore(options.store);
  try {
    const { jobs } = store;
    const jobId = randomUUID();
    const { sessionId } = await store.sessions.create();
    await jobs.create({ jobId, owner: sessionId, templateName: usersTemplate.name, message: '' });
    const estimatedRows = await estimateDataRows(options.file);
    const reporting = options.progress ? await startReporting(jobs, jobId, estimatedRows) : undefined;
    const counts = await runImport({
      jobId,
      template: usersTemplate,
      file: options.file,
      estimatedRows,
      store,
      onProgress: reporting && ((progress) => reporting.clock.time(() => reporting.reporter.progress(progress))),
    });
    await reporting?.clock.time(() => reporting.reporter.completed(counts));
    const followed = (await reporting?.followed) ?? { events: 0 };
    const rows = counts.inserted + counts.updated;
    return { rows, failed: counts.failed, ...followed, ...(reporting ? { reportingMs: reporting.clock.ms } : {}) };
  } finally {
    await store[Symbol.asyncDispose]();
  }
}
