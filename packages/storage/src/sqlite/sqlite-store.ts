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
      sweepJobs: db.prepare(
        `DELETE FROM jobs WHERE finished_at IS NOT NULL AND finished_at < ? AND status NOT IN ('started', 'processing')`,
      ),
      sweepSessions: db.prepare('DELETE FROM sessions WHERE created_at < ? AND id NOT IN (SELECT owner FROM jobs)'),
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

  async sweep(before: Date): Promise<SweepResult> {
    return this.db.transaction(() => {
      const jobs = this.statements.sweepJobs.run(before.getTime()).changes;
      const sessions = this.statements.sweepSessions.run(before.getTime()).changes;
      return { jobs, sessions };
    })();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.db.open) this.db.close();
  }
}
