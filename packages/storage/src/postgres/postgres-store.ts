import type { EntityTable, SweepResult } from '../records';
import type { ImportWriter, Store } from '../store';
import { migrate } from './migrations';
import { PgPool, POOL_DEFAULTS, type PoolLimits } from './pool';
import { PostgresImportWriter } from './postgres-import-writer';
import { PostgresJobs } from './postgres-jobs';
import { PostgresSessions } from './postgres-sessions';

/** Options of the PostgreSQL store. */
export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database` (the `DATABASE_URL`). */
  url: string;
  pool?: Partial<PoolLimits>;
  /** Called when an idle connection fails (the server restarted, say); the pool replaces it on next use. */
  onConnectionError?: (error: Error) => void;
  now?: () => number;
}

/** The shared store: PostgreSQL through `pg`, for several instances (or teams whose data lives there). */
export class PostgresStore implements Store {
  readonly kind = 'postgres';
  readonly jobs: PostgresJobs;
  readonly sessions: PostgresSessions;

  private constructor(
    readonly pool: PgPool,
    now: () => number,
  ) {
    this.jobs = new PostgresJobs(pool, now);
    this.sessions = new PostgresSessions(pool, now);
  }

  /**
   * Connects and brings the schema up to date. Rejects with `StoreUnavailableError` when the server cannot be
   * reached, closing what it opened.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const pool = new PgPool(
      options.url,
      { ...POOL_DEFAULTS, ...options.pool },
      options.onConnectionError ?? (() => {}),
    );
    try {
      await migrate(pool);
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresStore(pool, options.now ?? Date.now);
  }

  openImport(jobId: string, table: EntityTable): Promise<ImportWriter> {
    return PostgresImportWriter.open(this.pool, jobId, table);
  }

  async probe(): Promise<void> {
    await this.pool.query(
      'INSERT INTO store_probe (id, checked_at) VALUES (1, $1) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
      [Date.now()],
    );
  }

  async sweep(before: Date, limit: number): Promise<SweepResult> {
    const values = [before.getTime(), limit];
    return this.pool.transaction(async (client) => {
      const rowErrors = await client.query(
        `DELETE FROM job_row_errors WHERE id IN (
           SELECT e.id FROM job_row_errors e JOIN jobs j ON j.id = e.job_id
           WHERE j.finished_at < $1 AND j.status NOT IN ('started', 'processing') LIMIT $2)`,
        values,
      );
      const jobs = await client.query(
        `DELETE FROM jobs WHERE id IN (
           SELECT id FROM jobs WHERE finished_at < $1 AND status NOT IN ('started', 'processing')
           AND NOT EXISTS (SELECT 1 FROM job_row_errors e WHERE e.job_id = jobs.id) LIMIT $2)`,
        values,
      );
      const sessions = await client.query(
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions WHERE created_at < $1
           AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.owner = sessions.id) LIMIT $2)`,
        values,
      );
      return { rowErrors: rowErrors.rowCount ?? 0, jobs: jobs.rowCount ?? 0, sessions: sessions.rowCount ?? 0 };
    });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.pool.end();
  }
}
