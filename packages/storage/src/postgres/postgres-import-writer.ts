import { quoteIdentifier as quote } from '../job-rows';
import type { EntityTable, ImportBatch, ImportRow, RowError, SqlType, WriteResult } from '../records';
import { duplicateOf } from '../sqlite/sqlite-import-writer';
import type { ImportWriter } from '../store';
import type { PgPool } from './pool';

const PG_TYPES: Record<SqlType, string> = { TEXT: 'text', INTEGER: 'bigint', REAL: 'double precision' };

/** Drops what the running-imports tables hold for jobs the store no longer counts as running (their process died). */
const FORGET_ENDED = `"job" NOT IN (SELECT number FROM jobs WHERE status IN ('started', 'processing'))`;

/**
 * Creates the entity's table when it does not exist yet (and the import marker on one made before it), with the
 * trigger that records, for a running import, each key of its rows another import overwrites. Under an advisory
 * lock per table, so instances starting imports of a new template at once create it once.
 */
async function ensurePostgresTable(pool: PgPool, entity: EntityTable): Promise<void> {
  const table = quote(entity.table);
  const key = quote(entity.key);
  const columns = entity.columns.map(({ name, type, required }) => {
    const constraint = name === entity.key ? ' PRIMARY KEY' : required ? ' NOT NULL' : '';
    return `${quote(name)} ${PG_TYPES[type]}${constraint}`;
  });
  const trigger = quote(`${entity.table}_import_overwrites`);
  await pool.transaction(async (client) => {
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`jobstream table ${entity.table}`]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${table} (${columns.join(', ')}, "updated_at" bigint NOT NULL, "import_job" bigint)`,
    );
    await client.query(`ALTER TABLE ${table} ADD COLUMN IF NOT EXISTS "import_job" bigint`);
    await client.query(
      `CREATE OR REPLACE FUNCTION ${trigger}() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN
         IF old."import_job" IS DISTINCT FROM new."import_job" AND old.${key} IS NOT NULL
            AND EXISTS (SELECT 1 FROM import_running WHERE job = old."import_job") THEN
           INSERT INTO import_overwritten (job, key) VALUES (old."import_job", old.${key}::text) ON CONFLICT DO NOTHING;
         END IF;
         RETURN NULL;
       END $$`,
    );
    await client.query(
      `CREATE OR REPLACE TRIGGER ${trigger} AFTER UPDATE OF "import_job" ON ${table}
       FOR EACH ROW EXECUTE FUNCTION ${trigger}()`,
    );
  });
}

/** What a batch's upsert answers: rows inserted, rows written (inserted or updated), and the keys it did not write. */
interface UpsertOutcome {
  inserted: number;
  written: number;
  unwritten: string[];
}

/**
 * Writes one import's rows into PostgreSQL, as the SQLite writer does (rows marked with the import's job number, a
 * trigger recording keys other imports overwrite, duplicates told by the database), one transaction per batch.
 * A batch is one multi-row upsert over arrays (`unnest`), with its rows in key order, so two imports writing the
 * same keys at once lock them in the same order and never deadlock; only the first row of a key in a batch is
 * written (a statement cannot upsert one row twice), the others being duplicates of it. The statement answers with
 * one row: how many rows it inserted and wrote, and the keys it did not write (duplicates of earlier batches,
 * usually none), rather than a row per key written, which the client would parse 1,000 times per batch.
 */
export class PostgresImportWriter implements ImportWriter {
  private readonly headers: readonly string[];
  private readonly upsert: string;

  private constructor(
    private readonly pool: PgPool,
    private readonly jobId: string,
    private readonly number: number,
    private readonly entity: EntityTable,
  ) {
    const table = quote(entity.table);
    const key = quote(entity.key);
    this.headers = entity.columns.map((column) => column.name);
    const aliases = entity.columns.map((_, i) => `c${i}`);
    const arrays = entity.columns.map(({ type }, i) => `$${i + 1}::${PG_TYPES[type]}[]`);
    const n = entity.columns.length;
    const keyIndex = this.headers.indexOf(entity.key);
    const others = this.headers.filter((name) => name !== entity.key).map(quote);
    const set = [...others, '"updated_at"', '"import_job"'].map((column) => `${column} = excluded.${column}`);
    this.upsert = `WITH written AS (
      INSERT INTO ${table} (${this.headers.map(quote).join(', ')}, "updated_at", "import_job")
      SELECT ${aliases.map((alias) => `u.${alias}`).join(', ')}, $${n + 1}::bigint, $${n + 2}::bigint
      FROM unnest(${arrays.join(', ')}) WITH ORDINALITY AS u(${aliases.join(', ')}, ord) ORDER BY u.ord
      ON CONFLICT (${key}) DO UPDATE SET ${set.join(', ')}
      WHERE ${table}."import_job" IS DISTINCT FROM excluded."import_job"
        AND NOT EXISTS (SELECT 1 FROM import_overwritten o WHERE o.job = excluded."import_job" AND o.key = ${table}.${key}::text)
      RETURNING ${table}.${key}::text AS key, (xmax = 0) AS inserted)
      SELECT count(*) FILTER (WHERE inserted)::int AS inserted, count(*)::int AS written,
        ARRAY(SELECT k::text FROM unnest(${arrays[keyIndex]}) AS k EXCEPT ALL SELECT key FROM written) AS unwritten
      FROM written`;
  }

  /** Starts an import of `jobId` into `entity`'s table, creating it on first use. */
  static async open(pool: PgPool, jobId: string, entity: EntityTable): Promise<PostgresImportWriter> {
    await ensurePostgresTable(pool, entity);
    const { rows } = await pool.query<{ number: number }>('SELECT number FROM jobs WHERE id = $1', [jobId]);
    const number = rows[0]?.number;
    if (number === undefined) throw new Error(`No job ${jobId} to import for`);
    await pool.transaction(async (client) => {
      await client.query(`DELETE FROM import_running WHERE ${FORGET_ENDED}`);
      await client.query(`DELETE FROM import_overwritten WHERE ${FORGET_ENDED}`);
      await client.query('INSERT INTO import_running (job) VALUES ($1) ON CONFLICT DO NOTHING', [number]);
    });
    return new PostgresImportWriter(pool, jobId, number, entity);
  }

  async write({ rows, rejected, positions }: ImportBatch): Promise<WriteResult> {
    const { key } = this.entity;
    const firstOfKey = new Map<string, ImportRow>();
    for (const row of rows) {
      const value = String(row.values[key]);
      if (!firstOfKey.has(value)) firstOfKey.set(value, row);
    }
    // Key order by UTF-16 code units: any one order shared by every import avoids deadlocks.
    const keys = [...firstOfKey.keys()].sort();
    const result: WriteResult = { inserted: 0, updated: 0, duplicates: [] };
    await this.pool.transaction(async (client) => {
      let unwritten = new Set<string>();
      if (keys.length > 0) {
        const written = keys.map((value) => firstOfKey.get(value) as ImportRow);
        const columns = this.headers.map((name) => written.map((row) => row.values[name] ?? null));
        const upserted = await client.query<UpsertOutcome>(this.upsert, [...columns, Date.now(), this.number]);
        // An aggregate without GROUP BY: always exactly one row.
        const outcome = upserted.rows[0] as UpsertOutcome;
        result.inserted = outcome.inserted;
        result.updated = outcome.written - outcome.inserted;
        unwritten = new Set(outcome.unwritten);
      }
      for (const row of rows) {
        const value = String(row.values[key]);
        if (firstOfKey.get(value) !== row || unwritten.has(value)) {
          result.duplicates.push(duplicateOf(row, key, positions));
        }
      }
      const errors: RowError[] = [...rejected, ...result.duplicates];
      if (errors.length > 0) {
        await client.query(
          `INSERT INTO job_row_errors (job_id, row_number, message, cells)
           SELECT $1, * FROM unnest($2::bigint[], $3::text[], $4::text[])`,
          [
            this.jobId,
            errors.map((error) => error.row),
            errors.map((error) => error.message),
            errors.map((error) => JSON.stringify(error.cells)),
          ],
        );
      }
    });
    return result;
  }

  async close(): Promise<void> {
    await this.pool.transaction(async (client) => {
      await client.query('DELETE FROM import_running WHERE job = $1', [this.number]);
      await client.query('DELETE FROM import_overwritten WHERE job = $1', [this.number]);
    });
  }
}
