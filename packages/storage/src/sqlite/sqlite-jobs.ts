import { type JobRow, ROW_ERROR_PAGE, toJobRecord, updateValues } from '../job-rows';
import type { JobProgressUpdate, JobRecord, NewJob, RowError } from '../records';
import type { JobRepository } from '../store';
import type { Database } from './database';

/** Jobs and their rejected rows in SQLite. Calls run synchronously and return settled promises. */
export class SqliteJobs implements JobRepository {
  private readonly statements;

  constructor(
    private readonly db: Database,
    private readonly now: () => number,
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
      list: db.prepare<[string, number], JobRow>(
        'SELECT * FROM jobs WHERE owner = ? ORDER BY created_at DESC, rowid DESC LIMIT ?',
      ),
      listRunning: db.prepare<[number], JobRow>(
        `SELECT * FROM jobs WHERE status IN ('started', 'processing') ORDER BY created_at, rowid LIMIT ?`,
      ),
      running: db.prepare<[], { id: string; last_event_id: string | null }>(
        `SELECT id, last_event_id FROM jobs WHERE status IN ('started', 'processing')`,
      ),
      interrupt: db.prepare(
        `UPDATE jobs SET status = 'failed', message = @message, updated_at = @now, finished_at = @now,
           duration_ms = @now - created_at, last_event_id = @lastEventId
         WHERE id = @id AND status IN ('started', 'processing')`,
      ),
      errorPage: db.prepare<
        [string, number, number, number],
        { id: number; row_number: number; message: string; cells: string }
      >(
        `SELECT rowid AS id, row_number, message, cells FROM job_row_errors
         WHERE job_id = ? AND (row_number, rowid) > (?, ?) ORDER BY row_number, rowid LIMIT ?`,
      ),
    };
  }

  async create(job: NewJob): Promise<void> {
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

  async recordProgress(jobId: string, update: JobProgressUpdate): Promise<void> {
    this.statements.progress.run({ id: jobId, ...updateValues(update), now: this.now() });
  }

  async finish(jobId: string, update: JobProgressUpdate): Promise<void> {
    this.statements.finish.run({ id: jobId, ...updateValues(update), now: this.now() });
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const row = this.statements.get.get(jobId);
    return row && toJobRecord(row);
  }

  async listByOwner(owner: string, limit: number): Promise<JobRecord[]> {
    return this.statements.list.all(owner, limit).map(toJobRecord);
  }

  async listRunning(limit: number): Promise<JobRecord[]> {
    return this.statements.listRunning.all(limit).map(toJobRecord);
  }

  async failInterrupted(message: string, nextEventId: (lastEventId: string | null) => string): Promise<number> {
    const now = this.now();
    return this.db.transaction(() => {
      let failed = 0;
      for (const job of this.statements.running.all()) {
        const lastEventId = nextEventId(job.last_event_id);
        failed += this.statements.interrupt.run({ id: job.id, message, now, lastEventId }).changes;
      }
      return failed;
    })();
  }

  async *rowErrors(jobId: string): AsyncGenerator<RowError> {
    let after = { row: -1, id: -1 };
    for (;;) {
      const page = this.statements.errorPage.all(jobId, after.row, after.id, ROW_ERROR_PAGE);
      for (const row of page) {
        yield { row: row.row_number, message: row.message, cells: JSON.parse(row.cells) as string[] };
      }
      const last = page.at(-1);
      if (!last || page.length < ROW_ERROR_PAGE) return;
      after = { row: last.row_number, id: last.id };
    }
  }
}
