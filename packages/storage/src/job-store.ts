import type { UploadStatus } from '@jobstream/contracts';
import type { Database } from './database';

/** A job as stored: who owns it, where it stands and its counts. */
export interface JobRecord {
  jobId: string;
  owner: string;
  templateName: string;
  status: UploadStatus;
  progress: number;
  message: string;
  processed: number;
  total: number | null;
  inserted: number;
  updated: number;
  failed: number;
  /** The first row errors, as reported in events. */
  errors: string[];
  lastEventId: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** The uploaded file's name as the client gave it; absent when it gave none. */
  fileName?: string;
  /** The uploaded file's size in bytes; absent when not recorded. */
  fileBytes?: number;
}

/** What `JobStore.create` records about a new job. */
export interface NewJob {
  jobId: string;
  owner: string;
  templateName: string;
  message: string;
  /** The uploaded file's name as the client gave it. */
  fileName?: string;
  /** The uploaded file's size in bytes. */
  fileBytes?: number;
}

/** A running job's latest state, as recorded at each progress report. */
export interface JobProgressUpdate {
  status: UploadStatus;
  progress: number;
  message: string;
  processed: number;
  total: number | null;
  inserted?: number;
  updated?: number;
  failed?: number;
  errors?: readonly string[];
  lastEventId: string;
  /** How long the job ran, as reported; default: since it was created. */
  durationMs?: number;
}

/** One rejected row: its number (data rows from 1), the reasons, and its cells as read. */
export interface RowError {
  row: number;
  message: string;
  cells: string[];
}

/** Rejected rows read at once by `rowErrors`. */
const ROW_ERROR_PAGE = 500;

interface JobRow {
  id: string;
  owner: string;
  template: string;
  status: UploadStatus;
  progress: number;
  message: string;
  processed: number;
  total: number | null;
  inserted: number;
  updated: number;
  failed: number;
  errors: string;
  last_event_id: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  file_name: string | null;
  file_bytes: number | null;
}

function toRecord(row: JobRow): JobRecord {
  return {
    jobId: row.id,
    owner: row.owner,
    templateName: row.template,
    status: row.status,
    progress: row.progress,
    message: row.message,
    processed: row.processed,
    total: row.total,
    inserted: row.inserted,
    updated: row.updated,
    failed: row.failed,
    errors: JSON.parse(row.errors) as string[],
    lastEventId: row.last_event_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    durationMs: row.duration_ms,
    ...(row.file_name === null ? {} : { fileName: row.file_name }),
    ...(row.file_bytes === null ? {} : { fileBytes: row.file_bytes }),
  };
}

/** Jobs and their rejected rows in SQLite: what survives a restart. */
export class JobStore {
  private readonly statements;

  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.statements = {
      insert: db.prepare(
        `INSERT INTO jobs (id, owner, template, status, message, created_at, updated_at, file_name, file_bytes)
         VALUES (@id, @owner, @template, 'started', @message, @now, @now, @fileName, @fileBytes)`,
      ),
      progress: db.prepare(
        `UPDATE jobs SET status = @status, progress = @progress, message = @message, processed = @processed,
           total = @total, inserted = @inserted, updated = @updated, failed = @failed, errors = @errors,
           last_event_id = @lastEventId, updated_at = @now
         WHERE id = @id`,
      ),
      finish: db.prepare(
        `UPDATE jobs SET status = @status, progress = @progress, message = @message, processed = @processed,
           total = @total, inserted = @inserted, updated = @updated, failed = @failed, errors = @errors,
           last_event_id = @lastEventId, updated_at = @now, finished_at = @now,
           duration_ms = coalesce(@durationMs, @now - created_at)
         WHERE id = @id`,
      ),
      get: db.prepare<[string], JobRow>('SELECT * FROM jobs WHERE id = ?'),
      number: db.prepare<[string], { n: number }>('SELECT rowid AS n FROM jobs WHERE id = ?'),
      list: db.prepare<[string, number], JobRow>(
        'SELECT * FROM jobs WHERE owner = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      running: db.prepare<[], { id: string; last_event_id: string | null }>(
        `SELECT id, last_event_id FROM jobs WHERE status IN ('started', 'processing')`,
      ),
      interrupt: db.prepare(
        `UPDATE jobs SET status = 'failed', message = @message, updated_at = @now, finished_at = @now,
           duration_ms = @now - created_at, last_event_id = @lastEventId
         WHERE id = @id AND status IN ('started', 'processing')`,
      ),
      addError: db.prepare('INSERT INTO job_row_errors (job_id, row_number, message, cells) VALUES (?, ?, ?, ?)'),
      errorPage: db.prepare<
        [string, number, number, number],
        { id: number; row_number: number; message: string; cells: string }
      >(
        `SELECT rowid AS id, row_number, message, cells FROM job_row_errors
         WHERE job_id = ? AND (row_number, rowid) > (?, ?) ORDER BY row_number, rowid LIMIT ?`,
      ),
      runningByOwner: db.prepare<[string], { n: number }>(
        `SELECT count(*) AS n FROM jobs WHERE owner = ? AND status IN ('started', 'processing')`,
      ),
    };
  }

  /** Records a new job, status `started`. */
  create(job: NewJob): void {
    this.statements.insert.run({
      id: job.jobId,
      owner: job.owner,
      template: job.templateName,
      message: job.message,
      now: this.now(),
      fileName: job.fileName ?? null,
      fileBytes: job.fileBytes ?? null,
    });
  }

  /** Records a running job's latest state. */
  recordProgress(jobId: string, update: JobProgressUpdate): void {
    this.statements.progress.run(this.params(jobId, update));
  }

  /** Records a job's terminal state and its duration. */
  finish(jobId: string, update: JobProgressUpdate): void {
    this.statements.finish.run(this.params(jobId, update));
  }

  /** A job by id, whoever owns it. */
  get(jobId: string): JobRecord | undefined {
    const row = this.statements.get.get(jobId);
    return row && toRecord(row);
  }

  /** An owner's most recent jobs, newest first. */
  listByOwner(owner: string, limit: number): JobRecord[] {
    return this.statements.list.all(owner, limit).map(toRecord);
  }

  /** Jobs of an owner that have not ended. */
  countRunning(owner: string): number {
    return this.statements.runningByOwner.get(owner)?.n ?? 0;
  }

  /**
   * Marks every job still running as failed, with `message` and the event id `nextEventId` gives after its last
   * one; called at start-up, when no job can be running. Returns how many.
   */
  failInterrupted(message: string, nextEventId: (lastEventId: string | null) => string): number {
    const now = this.now();
    let failed = 0;
    this.db.transaction(() => {
      for (const job of this.statements.running.all()) {
        const lastEventId = nextEventId(job.last_event_id);
        failed += this.statements.interrupt.run({ id: job.id, message, now, lastEventId }).changes;
      }
    })();
    return failed;
  }

  /** A job's number: a small integer unique to the job in this database, for marking the rows it writes. */
  numberOf(jobId: string): number | undefined {
    return this.statements.number.get(jobId)?.n;
  }

  /** Stores rejected rows; call inside the import's write transaction. */
  addRowErrors(jobId: string, errors: readonly RowError[]): void {
    for (const error of errors) {
      this.statements.addError.run(jobId, error.row, error.message, JSON.stringify(error.cells));
    }
  }

  /**
   * A job's rejected rows in row order, read in pages of `pageSize` rows as the caller iterates. Each page is read
   * whole before any of its rows is handed out, so no statement stays open while the caller waits (for a slow
   * client, say): an open statement would keep this connection from writing until it finished.
   */
  *rowErrors(jobId: string, pageSize = ROW_ERROR_PAGE): Generator<RowError> {
    let after = { row: -1, id: -1 };
    for (;;) {
      const page = this.statements.errorPage.all(jobId, after.row, after.id, pageSize);
      for (const row of page) {
        yield { row: row.row_number, message: row.message, cells: JSON.parse(row.cells) as string[] };
      }
      const last = page.at(-1);
      if (!last || page.length < pageSize) return;
      after = { row: last.row_number, id: last.id };
    }
  }

  private params(jobId: string, update: JobProgressUpdate) {
    return {
      id: jobId,
      status: update.status,
      progress: update.progress,
      message: update.message,
      processed: update.processed,
      total: update.total,
      inserted: update.inserted ?? 0,
      updated: update.updated ?? 0,
      failed: update.failed ?? 0,
      errors: JSON.stringify(update.errors ?? []),
      lastEventId: update.lastEventId,
      durationMs: update.durationMs ?? null,
      now: this.now(),
    };
  }
}
