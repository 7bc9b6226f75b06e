import { type JobRow, ROW_ERROR_PAGE, toJobRecord, updateValues } from '../job-rows';
import type { JobProgressUpdate, JobRecord, NewJob, RowError } from '../records';
import type { JobRepository } from '../store';
import type { PgPool } from './pool';

const UPDATE_COLUMNS = `status = $2, progress = $3, message = $4, processed = $5, total = $6, inserted = $7,
  updated = $8, failed = $9, errors = $10, last_event_id = $11, updated_at = $12`;

function updateParams(jobId: string, update: JobProgressUpdate, now: number): unknown[] {
  const v = updateValues(update);
  return [
    jobId,
    v.status,
    v.progress,
    v.message,
    v.processed,
    v.total,
    v.inserted,
    v.updated,
    v.failed,
    v.errors,
    v.lastEventId,
    now,
    v.durationMs,
  ];
}

/** Jobs and their rejected rows in PostgreSQL. */
export class PostgresJobs implements JobRepository {
  constructor(
    private readonly pool: PgPool,
    private readonly now: () => number,
  ) {}

  async create(job: NewJob): Promise<void> {
    const now = this.now();
    await this.pool.query(
      `INSERT INTO jobs (id, owner, template, status, message, created_at, updated_at, file_name, file_bytes)
       VALUES ($1, $2, $3, 'started', $4, $5, $5, $6, $7)`,
      [job.jobId, job.owner, job.templateName, job.message, now, job.fileName ?? null, job.fileBytes ?? null],
    );
  }

  async recordProgress(jobId: string, update: JobProgressUpdate): Promise<void> {
    await this.pool.query(
      `UPDATE jobs SET ${UPDATE_COLUMNS} WHERE id = $1`,
      updateParams(jobId, update, this.now()).slice(0, 12),
    );
  }

  async finish(jobId: string, update: JobProgressUpdate): Promise<void> {
    await this.pool.query(
      `UPDATE jobs SET ${UPDATE_COLUMNS}, finished_at = $12, duration_ms = coalesce($13::bigint, $12 - created_at)
       WHERE id = $1`,
      updateParams(jobId, update, this.now()),
    );
  }

  async get(jobId: string): Promise<JobRecord | undefined> {
    const { rows } = await this.pool.query<JobRow>('SELECT * FROM jobs WHERE id = $1', [jobId]);
    return rows[0] && toJobRecord(rows[0]);
  }

  async listByOwner(owner: string, limit: number): Promise<JobRecord[]> {
    const { rows } = await this.pool.query<JobRow>(
      'SELECT * FROM jobs WHERE owner = $1 ORDER BY created_at DESC, number DESC LIMIT $2',
      [owner, limit],
    );
    return rows.map(toJobRecord);
  }

  async listRunning(limit: number): Promise<JobRecord[]> {
    const { rows } = await this.pool.query<JobRow>(
      `SELECT * FROM jobs WHERE status IN ('started', 'processing') ORDER BY created_at, number LIMIT $1`,
      [limit],
    );
    return rows.map(toJobRecord);
  }

  async failInterrupted(message: string, nextEventId: (lastEventId: string | null) => string): Promise<number> {
    const now = this.now();
    return this.pool.transaction(async (client) => {
      const { rows } = await client.query<{ id: string; last_event_id: string | null }>(
        `SELECT id, last_event_id FROM jobs WHERE status IN ('started', 'processing') FOR UPDATE`,
      );
      let failed = 0;
      for (const job of rows) {
        const result = await client.query(
          `UPDATE jobs SET status = 'failed', message = $2, updated_at = $3, finished_at = $3,
             duration_ms = $3 - created_at, last_event_id = $4
           WHERE id = $1 AND status IN ('started', 'processing')`,
          [job.id, message, now, nextEventId(job.last_event_id)],
        );
        failed += result.rowCount ?? 0;
      }
      return failed;
    });
  }

  async *rowErrors(jobId: string): AsyncGenerator<RowError> {
    let after = { row: -1, id: -1 };
    for (;;) {
      const { rows: page } = await this.pool.query<{ id: number; row_number: number; message: string; cells: string }>(
        `SELECT id, row_number, message, cells FROM job_row_errors
         WHERE job_id = $1 AND (row_number, id) > ($2, $3) ORDER BY row_number, id LIMIT $4`,
        [jobId, after.row, after.id, ROW_ERROR_PAGE],
      );
      for (const row of page) {
        yield { row: row.row_number, message: row.message, cells: JSON.parse(row.cells) as string[] };
      }
      const last = page.at(-1);
      if (!last || page.length < ROW_ERROR_PAGE) return;
      after = { row: last.row_number, id: last.id };
    }
  }
}
