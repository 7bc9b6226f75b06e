import type { PgPool } from './pool';

/** The PostgreSQL schema, one entry per version; an applied version is never edited, only followed. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE sessions (
     token_hash text PRIMARY KEY,
     id text NOT NULL UNIQUE,
     created_at bigint NOT NULL
   );
   CREATE TABLE jobs (
     number bigserial UNIQUE,
     id text PRIMARY KEY,
     owner text NOT NULL,
     template text NOT NULL,
     status text NOT NULL,
     progress double precision NOT NULL DEFAULT 0,
     message text NOT NULL DEFAULT '',
     processed bigint NOT NULL DEFAULT 0,
     total bigint,
     inserted bigint NOT NULL DEFAULT 0,
     updated bigint NOT NULL DEFAULT 0,
     failed bigint NOT NULL DEFAULT 0,
     errors text NOT NULL DEFAULT '[]',
     last_event_id text,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL,
     finished_at bigint,
     duration_ms bigint,
     file_name text,
     file_bytes bigint
   );
   CREATE INDEX jobs_owner_created ON jobs (owner, created_at DESC, number DESC);
   CREATE INDEX jobs_running ON jobs (status) WHERE status IN ('started', 'processing');
   CREATE INDEX jobs_finished ON jobs (finished_at) WHERE finished_at IS NOT NULL;
   CREATE TABLE job_row_errors (
     id bigserial PRIMARY KEY,
     job_id text NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
     row_number bigint NOT NULL,
     message text NOT NULL,
     cells text NOT NULL
   );
   CREATE INDEX job_row_errors_job ON job_row_errors (job_id, row_number, id);
   CREATE TABLE store_probe (id integer PRIMARY KEY CHECK (id = 1), checked_at bigint NOT NULL);
   CREATE TABLE import_running (job bigint PRIMARY KEY);
   CREATE TABLE import_overwritten (job bigint NOT NULL, key text NOT NULL, PRIMARY KEY (job, key));`,
];

/** The advisory lock migrations run under, so instances starting at the same moment apply each version once. */
const MIGRATION_LOCK = 7_203_455_911;

/** How many versions the PostgreSQL schema has. */
export const POSTGRES_SCHEMA_VERSION = MIGRATIONS.length;

/**
 * Brings the schema up to date in one transaction holding an advisory lock: the versions not yet recorded in
 * `schema_migrations` are applied in order and recorded. An instance that waited for the lock finds them applied.
 */
export async function migrate(pool: PgPool): Promise<void> {
  await pool.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
    await client.query(
      'CREATE TABLE IF NOT EXISTS schema_migrations (version integer PRIMARY KEY, applied_at bigint NOT NULL)',
    );
    const { rows } = await client.query<{ version: number | null }>(
      'SELECT max(version) AS version FROM schema_migrations',
    );
    for (let version = rows[0]?.version ?? 0; version < MIGRATIONS.length; version++) {
      await client.query(MIGRATIONS[version] as string);
      await client.query('INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)', [
        version + 1,
        Date.now(),
      ]);
    }
  });
}
