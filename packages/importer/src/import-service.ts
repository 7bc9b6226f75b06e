import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventLogUnavailableError, eventIdAfter, type ProgressEmitter } from '@jobstream/progress';
import { type Store, StoreBusyError, StoreUnavailableError } from '@jobstream/storage';
import { scanCsvFile } from './csv/scan-csv';
import {
  type ImportCoordinator,
  type ImportLease,
  type ImportSlot,
  LocalImportCoordinator,
} from './import-coordinator';
import { ImportFailure } from './import-failure';
import { JobReporter } from './job-reporter';
import type { ImportLimits } from './limits';
import { RejectedFileError } from './rejected-file';
import { type ImportCounts, runImport } from './run-import';
import type { ImportTemplate } from './templates/define-template';

/** Awaited after each committed batch of an import, with the counts committed so far. */
export type AfterBatchHook = (jobId: string, committed: Readonly<ImportCounts>) => void | Promise<void>;

/** What the import service needs: storage, the progress emitter and its limits. */
export interface ImportServiceOptions {
  store: Store;
  emitter: ProgressEmitter;
  limits?: Partial<ImportLimits>;
  /** Imports one session may have at once, counting uploads still being received (default 3). */
  maxRunningPerOwner?: number;
  /** Who runs which import across instances (default: this process alone, `LocalImportCoordinator`). */
  coordinator?: ImportCoordinator;
  /** Called when an import ends unexpectedly (a bug, not bad input). */
  onUnexpectedError?: (jobId: string, error: unknown) => void;
  /** Awaited after each committed batch of every import (default: none); see `ImportService.afterBatch`. */
  afterBatch?: AfterBatchHook;
  /**
   * How long to wait between attempts to report a job's end while the store or the event log is unavailable
   * (default 1,000 ms; attempts go on until one succeeds or the service closes).
   */
  retryEndMs?: number;
}

/** A request to import an uploaded file. */
export interface StartImport {
  jobId: string;
  owner: string;
  template: ImportTemplate;
  /** The uploaded file; the service deletes it when the import ends. */
  file: string;
  /** The owner's slot, reserved when its upload began; `start` reserves one when absent. */
  slot?: ImportSlot;
  /** The file's name as the user chose it, recorded with the job. */
  fileName?: string;
  /** The file's size in bytes, recorded with the job. */
  fileBytes?: number;
}

/** Thrown by `reserve` and `start` when the owner already has as many imports as allowed. */
export class TooManyImportsError extends Error {
  override readonly name = 'TooManyImportsError';
}

/** The message a job ends with when cancelled. */
export const CANCELLED_MESSAGE = 'Cancelled';
/** The message of jobs found running at start-up. */
export const INTERRUPTED_MESSAGE = 'Interrupted by server restart';
/** The message of a job that failed because the store could not be reached. */
export const STORE_UNAVAILABLE_MESSAGE = 'Import failed: the database was unavailable';
/** The message of a job recorded while its start could not be reported (the event log was away). */
export const NOT_STARTED_MESSAGE = 'Import not started: progress could not be reported';
/** The message of a job whose instance stopped while running it, reported by another instance. */
export const INSTANCE_LOST_MESSAGE = 'Interrupted: the server running it stopped';

const SHUTDOWN = Symbol('shutdown');
/** The job was taken over by another instance, which reports its end. */
const LEASE_LOST = Symbol('lease lost');

/**
 * The id of an interrupted job's failure, given the last id the store recorded for it. The reporter records an
 * event's id after appending it, so the process that died may have delivered one event more than the store knows;
 * the failure takes the id after that one, so that a client which saw it never receives its id again.
 */
function idAfterUnrecorded(lastRecordedId: string | null): string {
  return eventIdAfter(eventIdAfter(lastRecordedId));
}

/** Runs imports in the background, reporting each through the emitter, and cancels them on request. */
export class ImportService {
  private readonly running = new Map<string, { abort: AbortController; done: Promise<void> }>();
  private readonly coordinator: ImportCoordinator;
  private readonly maxRunningPerOwner: number;
  /** Aborted by `close`: ends the retries of job ends the store could not record. */
  private readonly closing = new AbortController();
  /**
   * Awaited after each committed batch of every import before the next row is read; a host can pace imports with
   * it, and a test can hold an import mid-flight until it releases it. Replaceable at any time; a cancel or
   * shutdown does not wait for it.
   */
  afterBatch: AfterBatchHook | undefined;

  constructor(private readonly options: ImportServiceOptions) {
    this.maxRunningPerOwner = options.maxRunningPerOwner ?? 3;
    this.afterBatch = options.afterBatch;
    this.coordinator = options.coordinator ?? new LocalImportCoordinator();
    this.coordinator.onCancelRequest((jobId) => this.running.get(jobId)?.abort.abort());
  }

  /** Marks jobs left running by a previous process as failed; call once at start-up of a single instance. */
  failInterrupted(): Promise<number> {
    return this.options.store.jobs.failInterrupted(INTERRUPTED_MESSAGE, idAfterUnrecorded);
  }

  /**
   * Takes one of `owner`'s import slots, for an upload about to be received; throws `TooManyImportsError` when the
   * owner already holds as many. The slot passes to the import `start` begins, and is given back when it ends.
   */
  async reserve(owner: string): Promise<ImportSlot> {
    const slot = await this.coordinator.reserve(owner, this.maxRunningPerOwner);
    if (slot) return slot;
    throw new TooManyImportsError(`At most ${this.maxRunningPerOwner} imports may run at once per session`);
  }

  /**
   * Scans the file, records the job, reports it started, and processes the file in the background. Throws
   * `RejectedFileError`, recording no job, for a blank file or one that is not UTF-8 text.
   */
  async start(request: StartImport): Promise<void> {
    const slot = request.slot ?? (await this.reserve(request.owner));
    const abort = new AbortController();
    const entry = { abort, done: Promise.resolve() };
    this.running.set(request.jobId, entry);
    const { store, emitter } = this.options;
    let reporter: JobReporter;
    let estimatedRows: number;
    let lease: ImportLease | undefined;
    let recorded = false;
    try {
      const scan = await scanCsvFile(request.file);
      if (scan.blank) throw new RejectedFileError('The file is empty');
      estimatedRows = scan.dataRows;
      // Claimed before the job is recorded: a job recorded as running always has a claim, or had one that lapsed.
      lease = await this.coordinator.lease(request.jobId, () => abort.abort(LEASE_LOST));
      await store.jobs.create({
        jobId: request.jobId,
        owner: request.owner,
        templateName: request.template.name,
        message: '',
        fileName: request.fileName,
        fileBytes: request.fileBytes,
      });
      recorded = true;
      reporter = new JobReporter(emitter, store.jobs, {
        jobId: request.jobId,
        templateName: request.template.name,
        startedAt: Date.now(),
      });
      await reporter.started(estimatedRows);
    } catch (error) {
      // A job recorded but not reported started (the event log was away) ends here, so no one takes it for running.
      if (recorded) await this.endUnstarted(request.jobId, error);
      this.running.delete(request.jobId);
      slot.release();
      await lease?.release();
      await rm(request.file, { force: true });
      throw error;
    }
    const held = lease;
    // `process` reports every way an import can end and never rejects, so nothing here can go unhandled.
    entry.done = this.process(request, reporter, estimatedRows, abort.signal).finally(async () => {
      this.running.delete(request.jobId);
      slot.release();
      await held.release().catch(() => {});
      await rm(request.file, { force: true });
    });
  }

  /**
   * Stops a running job, here or (through the coordinator) on the instance running it; it ends failed with
   * `Cancelled`. False when no instance runs it.
   */
  async cancel(jobId: string): Promise<boolean> {
    const job = this.running.get(jobId);
    if (!job) return this.coordinator.requestCancel(jobId);
    job.abort.abort();
    return true;
  }

  /** True while the job runs here (from `start` until its end is reported). */
  isRunning(jobId: string): boolean {
    return this.running.has(jobId);
  }

  /** Resolves when the job (if running) has ended. */
  async settled(jobId: string): Promise<void> {
    await this.running.get(jobId)?.done;
  }

  /**
   * Stops every running import (they end failed with `Interrupted by server restart`) and waits for them to end;
   * an end the store cannot record now is left to `failInterrupted` at the next start.
   */
  async close(): Promise<void> {
    this.closing.abort();
    const all = [...this.running.values()];
    for (const job of all) job.abort.abort(SHUTDOWN);
    await Promise.all(all.map((job) => job.done));
    await this.coordinator.close();
  }

  private async process(
    request: StartImport,
    reporter: JobReporter,
    estimatedRows: number,
    signal: AbortSignal,
  ): Promise<void> {
    let latest: Readonly<ImportCounts> = {
      processed: 0,
      total: estimatedRows,
      inserted: 0,
      updated: 0,
      failed: 0,
      errors: [],
    };
    const record = <T>(write: () => Promise<T>) => this.untilRecorded(write);
    let end: () => Promise<void>;
    try {
      const counts = await runImport({
        jobId: request.jobId,
        template: request.template,
        file: request.file,
        estimatedRows,
        store: this.options.store,
        signal,
        limits: this.options.limits,
        onProgress: (progress) => reporter.progress(progress),
        onBatch: (committed) => {
          latest = { ...committed, errors: [...committed.errors] };
          return this.afterBatch?.(request.jobId, committed);
        },
      });
      end = () => reporter.completed(counts, record);
    } catch (error) {
      // Another instance took the job over (this one was presumed dead) and has reported its end.
      if (signal.reason === LEASE_LOST) return;
      let failure: string;
      if (signal.aborted) failure = signal.reason === SHUTDOWN ? INTERRUPTED_MESSAGE : CANCELLED_MESSAGE;
      else if (error instanceof ImportFailure) failure = error.message;
      else if (isStoreOutage(error)) failure = STORE_UNAVAILABLE_MESSAGE;
      else {
        this.options.onUnexpectedError?.(request.jobId, error);
        failure = 'Import failed unexpectedly';
      }
      end = () => reporter.failed(failure, latest, record);
    }
    try {
      await end();
    } catch (error) {
      // The end was not recorded (the service closed while the store was away, or a bug): the process goes on,
      // and a job the store still shows running is failed as interrupted at the next start.
      this.options.onUnexpectedError?.(request.jobId, error);
    }
  }

  /** Records a job that could not be reported started as failed, with why (best effort: the store may be away too). */
  private async endUnstarted(jobId: string, error: unknown): Promise<void> {
    const message = error instanceof EventLogUnavailableError ? NOT_STARTED_MESSAGE : 'Import failed unexpectedly';
    await this.options.store.jobs
      .finish(jobId, {
        status: 'failed',
        progress: 0,
        message,
        processed: 0,
        total: null,
        lastEventId: eventIdAfter(null),
      })
      .catch((cause: unknown) => this.options.onUnexpectedError?.(jobId, cause));
  }

  /** Runs `write` until it succeeds, waiting `retryEndMs` after each outage; gives up (rethrows) once closing. */
  private async untilRecorded<T>(write: () => Promise<T>): Promise<T> {
    const pause = this.options.retryEndMs ?? 1000;
    for (;;) {
      try {
        return await write();
      } catch (error) {
        const outage = isStoreOutage(error) || error instanceof EventLogUnavailableError;
        if (!outage || this.closing.signal.aborted) throw error;
        await sleep(pause, undefined, { signal: this.closing.signal }).catch(() => undefined);
      }
    }
  }
}

/** The store could not be reached or was too busy: the import failed for a reason outside the file. */
function isStoreOutage(error: unknown): boolean {
  return error instanceof StoreUnavailableError || error instanceof StoreBusyError;
}
