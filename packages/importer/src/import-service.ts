import { rm } from 'node:fs/promises';
import type { ProgressEmitter } from '@jobstream/progress';
import type { Database, JobStore } from '@jobstream/storage';
import { ImportFailure } from './import-failure';
import { JobReporter } from './job-reporter';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits';
import { RejectedFileError } from './rejected-file';
import { type ImportCounts, runImport } from './run-import';
import { scanCsvFile } from './scan-csv';
import type { ImportTemplate } from './templates/define-template';

/** Awaited after each committed batch of an import, with the counts committed so far. */
export type AfterBatchHook = (jobId: string, committed: Readonly<ImportCounts>) => void | Promise<void>;

/** What the import service needs: storage, the progress emitter and its limits. */
export interface ImportServiceOptions {
  db: Database;
  jobs: JobStore;
  emitter: ProgressEmitter;
  limits?: Partial<ImportLimits>;
  /** Imports one session may run at once (default 3). */
  maxRunningPerOwner?: number;
  /** Called when an import ends unexpectedly (a bug, not bad input). */
  onUnexpectedError?: (jobId: string, error: unknown) => void;
  /** Awaited after each committed batch of every import (default: none); see `ImportService.afterBatch`. */
  afterBatch?: AfterBatchHook;
}

/** A request to import an uploaded file. */
export interface StartImport {
  jobId: string;
  owner: string;
  template: ImportTemplate;
  /** The uploaded file; the service deletes it when the import ends. */
  file: string;
  /** The file's name as the user chose it, recorded with the job. */
  fileName?: string;
  /** The file's size in bytes, recorded with the job. */
  fileBytes?: number;
}

/** Thrown by `start` when the owner already runs as many imports as allowed. */
export class TooManyImportsError extends Error {
  override readonly name = 'TooManyImportsError';
}

/** The message a job ends with when cancelled. */
export const CANCELLED_MESSAGE = 'Cancelled';
/** The message of jobs found running at start-up. */
export const INTERRUPTED_MESSAGE = 'Interrupted by server restart';

const SHUTDOWN = Symbol('shutdown');

/** Runs imports in the background, reporting each through the emitter, and cancels them on request. */
export class ImportService {
  private readonly running = new Map<string, { owner: string; abort: AbortController; done: Promise<void> }>();
  private readonly maxRunningPerOwner: number;
  private readonly maxColumns: number;
  /**
   * Awaited after each committed batch of every import before the next row is read; a host can pace imports with
   * it, and a test can hold an import mid-flight until it releases it. Replaceable at any time; a cancel or
   * shutdown does not wait for it.
   */
  afterBatch: AfterBatchHook | undefined;

  constructor(private readonly options: ImportServiceOptions) {
    this.maxRunningPerOwner = options.maxRunningPerOwner ?? 3;
    this.maxColumns = options.limits?.maxColumns ?? DEFAULT_IMPORT_LIMITS.maxColumns;
    this.afterBatch = options.afterBatch;
  }

  /** Marks jobs left running by a previous process as failed; call once at start-up. */
  failInterrupted(): number {
    return this.options.jobs.failInterrupted(INTERRUPTED_MESSAGE);
  }

  /** Throws `TooManyImportsError` when `owner` may not start another import now. */
  assertCanStart(owner: string): void {
    let count = 0;
    for (const job of this.running.values()) if (job.owner === owner) count++;
    if (count >= this.maxRunningPerOwner) {
      throw new TooManyImportsError(`At most ${this.maxRunningPerOwner} imports may run at once per session`);
    }
  }

  /**
   * Scans the file, records the job, reports it started, and processes the file in the background. Throws
   * `RejectedFileError`, recording no job, for a blank file or a row over the column limit.
   */
  async start(request: StartImport): Promise<void> {
    this.assertCanStart(request.owner);
    const abort = new AbortController();
    const entry = { owner: request.owner, abort, done: Promise.resolve() };
    this.running.set(request.jobId, entry);
    const { jobs, emitter } = this.options;
    let reporter: JobReporter;
    let estimatedRows: number;
    try {
      const scan = await scanCsvFile(request.file, { maxColumns: this.maxColumns });
      if (scan.blank) throw new RejectedFileError('The file is empty');
      estimatedRows = scan.dataRows;
      jobs.create({
        jobId: request.jobId,
        owner: request.owner,
        templateName: request.template.name,
        message: '',
        fileName: request.fileName,
        fileBytes: request.fileBytes,
      });
      reporter = new JobReporter(emitter, jobs, {
        jobId: request.jobId,
        templateName: request.template.name,
        startedAt: Date.now(),
      });
      reporter.started(estimatedRows);
    } catch (error) {
      this.running.delete(request.jobId);
      await rm(request.file, { force: true });
      throw error;
    }
    entry.done = this.process(request, reporter, estimatedRows, abort.signal).finally(() => {
      this.running.delete(request.jobId);
      return rm(request.file, { force: true });
    });
  }

  /** Stops a running job; it ends failed with `Cancelled`. False when it is not running here. */
  cancel(jobId: string): boolean {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.abort.abort();
    return true;
  }

  /** Resolves when the job (if running) has ended. */
  async settled(jobId: string): Promise<void> {
    await this.running.get(jobId)?.done;
  }

  /** Stops every running import (they end failed with `Interrupted by server restart`) and waits for them to end. */
  async close(): Promise<void> {
    const all = [...this.running.values()];
    for (const job of all) job.abort.abort(SHUTDOWN);
    await Promise.all(all.map((job) => job.done));
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
    try {
      const counts = await runImport({
        jobId: request.jobId,
        template: request.template,
        file: request.file,
        estimatedRows,
        db: this.options.db,
        jobs: this.options.jobs,
        signal,
        limits: this.options.limits,
        onProgress: (progress) => reporter.progress(progress),
        onBatch: (committed) => {
          latest = { ...committed, errors: [...committed.errors] };
          return this.afterBatch?.(request.jobId, committed);
        },
      });
      reporter.completed(counts);
    } catch (error) {
      if (signal.aborted) {
        return reporter.failed(signal.reason === SHUTDOWN ? INTERRUPTED_MESSAGE : CANCELLED_MESSAGE, latest);
      }
      if (error instanceof ImportFailure) return reporter.failed(error.message, latest);
      this.options.onUnexpectedError?.(request.jobId, error);
      reporter.failed('Import failed unexpectedly', latest);
    }
  }
}
