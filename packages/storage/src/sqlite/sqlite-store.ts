import type { EntityTable, SweepResult } from '../records';
import type { ImportWriter, Store } from '../store';
import { type Database, openDatabase } from './database';
import { SqliteImportWriter } from './sqlite-import-writer';
import { SqliteJobs } from './sqlite-jobs';
import { SqliteSessions } from './sqlite-sessions';

/**
 * The embedded store, the default: one SQLite file (WAL) through better-sqlite3. Its calls run synchronously
 * (SQLite on a local file answers in microseconds) and return settled promises, as the port asks.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly jobs: SqliteJobs;
  readonly sessions: SqliteSessions;
  private readonly statements;

  constructor(
    /** The open database: what the store reads and writes, for SQLite-specific tests and tools. */
    readonly db: Database,
    now: () => number = Date.now,
  ) {
    this.jobs = new SqliteJobs(db, now);
    this.sessions = new SqliteSessions(db, now);
    this.statements = {
      probe: db.prepare(
        'INSERT INTO store_probe (id, checked_at) VALUES (1, ?) ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at',
      ),
      sweepRowErrors: db.prepare(
        `DELETE FROM job_row_errors WHERE rowid IN (
           SELECT e.rowid FROM job_row_errors e JOIN jobs j ON j.id = e.job_id
           WHERE j.finished_at < ? AND j.status NOT IN ('started', 'processing') LIMIT ?)`,
      ),
      sweepJobs: db.prepare(
        `DELETE FROM jobs WHERE id IN (
           SELECT id FROM jobs WHERE finished_at < ? AND status NOT IN ('started', 'processing')
           AND NOT EXISTS (SELECT 1 FROM job_row_errors e WHERE e.job_id = jobs.id) LIMIT ?)`,
      ),
      sweepSessions: db.prepare(
        `DELETE FROM sessions WHERE id IN (
           SELECT id FROM sessions WHERE created_at < ?
           AND NOT EXISTS (SELECT 1 FROM jobs WHERE jobs.owner = sessions.id) LIMIT ?)`,
      ),
    };
  }

  /** Opens (creating if needed) the SQLite file at `path` with the current schema. */
  static open(path: string): SqliteStore {
    return new SqliteStore(openDatabase(path));
  }

  async openImport(jobId: string, table: EntityTable): Promise<ImportWriter> {
    return new SqliteImportWriter(this.db, jobId, table);
  }

  async probe(): Promise<void> {
    this.statements.probe.run(Date.now());
  }

  async sweep(before: Date, limit: number): Promise<SweepResult> {
    const cutoff = before.getTime();
    return this.db.transaction(() => ({
      rowErrors: this.statements.sweepRowErrors.run(cutoff, limit).changes,
      jobs: this.statements.sweepJobs.run(cutoff, limit).changes,
      sessions: this.statements.sweepSessions.run(cutoff, limit).changes,
    }))();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
