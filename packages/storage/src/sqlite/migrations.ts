import type BetterSqlite3 from 'better-sqlite3';

const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     token_hash TEXT PRIMARY KEY,
     id TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL
   );
   CREATE TABLE jobs (
     id TEXT PRIMARY KEY,
     owner TEXT NOT NULL,
     template TEXT NOT NULL,
     status TEXT NOT NULL,
     progress REAL NOT NULL DEFAULT 0,
     message TEXT NOT NULL DEFAULT '',
     processed INTEGER NOT NULL DEFAULT 0,
     total INTEGER,
     inserted INTEGER NOT NULL DEFAULT 0,
     updated INTEGER NOT NULL DEFAULT 0,
     failed INTEGER NOT NULL DEFAULT 0,
     errors TEXT NOT NULL DEFAULT '[]',
     last_event_id TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     finished_at INTEGER,
     duration_ms INTEGER
   );
   CREATE INDEX jobs_owner_created ON jobs (owner, created_at DESC);
   CREATE INDEX jobs_status ON jobs (status);
   CREATE TABLE job_row_errors (
     job_id TEXT NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
     row_number INTEGER NOT NULL,
     message TEXT NOT NULL,
     cells TEXT NOT NULL
   );
   CREATE INDEX job_row_errors_job ON job_row_errors (job_id, row_number);`,
  `CREATE TABLE store_probe (id INTEGER PRIMARY KEY CHECK (id = 1), checked_at INTEGER NOT NULL);`,
  // The uploaded file as the user chose it, so imports can be told apart; NULL when the upload named none.
  `ALTER TABLE jobs ADD COLUMN file_name TEXT;
   ALTER TABLE jobs ADD COLUMN file_bytes INTEGER;`,
  // The retention sweep finds ended jobs by when they ended.
  `CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;`,
];

/**
 * Brings the schema up to date, one transaction per migration, tracked by `user_version`. Each runs in an
 * immediate transaction that reads the version again, so two processes opening one file at once apply each
 * migration once.
 */
export function migrate(db: BetterSqlite3.Database): void {
  for (;;) {
    const applied = db
      .transaction(() => {
        const version = db.pragma('user_version', { simple: true }) as number;
        const next = MIGRATIONS[version];
        if (next === undefined) return false;
        db.exec(next);
        db.pragma(`user_version = ${version + 1}`);
        return true;
      })
      .immediate();
    if (!applied) return;
  }
}

/** How many migrations the SQLite schema has: the `user_version` of an up-to-date database. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;
