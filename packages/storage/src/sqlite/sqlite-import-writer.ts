import { quoteIdentifier as quote } from '../job-rows';
import type { EntityTable, ImportBatch, ImportRow, RowError, WriteResult } from '../records';
import type { ImportWriter } from '../store';
import type { Database } from './database';

/** Column marking the import that last wrote a row, so a key the same import meets again is a duplicate. */
const IMPORT_JOB_COLUMN = 'import_job';
/** Imports writing right now, by job number: while one runs, keys overwritten from under it are recorded. */
const RUNNING_TABLE = '"import_running"';
/** Keys a running import wrote and another import then overwrote (the row no longer carries its marker). */
const OVERWRITTEN_TABLE = '"import_overwritten"';

/** Drops what the running-imports tables hold for jobs the store no longer counts as running (their process died). */
function forgetEndedImports(db: Database): void {
  const ended = `"job" NOT IN (SELECT rowid FROM "jobs" WHERE status IN ('started', 'processing'))`;
  db.exec(`DELETE FROM ${RUNNING_TABLE} WHERE ${ended}; DELETE FROM ${OVERWRITTEN_TABLE} WHERE ${ended}`);
}

/**
 * Creates the entity's table when it does not exist yet, adds the import marker to one made before it, and
 * installs the trigger that remembers, for a running import, each key of its rows another import overwrites.
 */
export function ensureSqliteTable(db: Database, entity: EntityTable): void {
  const columns = entity.columns.map(({ name, type, required }) => {
    const constraint = name === entity.key ? ' PRIMARY KEY' : required ? ' NOT NULL' : '';
    return `${quote(name)} ${type}${constraint}`;
  });
  const table = quote(entity.table);
  const marker = quote(IMPORT_JOB_COLUMN);
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (${columns.join(', ')}, "updated_at" INTEGER NOT NULL, ${marker} INTEGER)`,
  );
  const existing = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!existing.some((column) => column.name === IMPORT_JOB_COLUMN)) {
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${marker} INTEGER`);
  }
  db.exec(`CREATE TABLE IF NOT EXISTS ${RUNNING_TABLE} ("job" INTEGER PRIMARY KEY)`);
  // The key column has no type: it holds the entity's key exactly as the entity table stores it.
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${OVERWRITTEN_TABLE} ("job" INTEGER NOT NULL, "key" NOT NULL,
       PRIMARY KEY ("job", "key")) WITHOUT ROWID`,
  );
  const key = `old.${quote(entity.key)}`;
  db.exec(
    `CREATE TRIGGER IF NOT EXISTS ${quote(`${entity.table}_import_overwrites`)}
     AFTER UPDATE OF ${marker} ON ${table}
     WHEN old.${marker} IS NOT new.${marker} AND ${key} IS NOT NULL
       AND EXISTS (SELECT 1 FROM ${RUNNING_TABLE} WHERE "job" = old.${marker})
     BEGIN
       INSERT OR IGNORE INTO ${OVERWRITTEN_TABLE} ("job", "key") VALUES (old.${marker}, ${key});
     END`,
  );
}

/**
 * Writes one import's valid rows into SQLite, upserting by key, with its rejected rows, one transaction per batch.
 * Each row it writes is marked with the import's job number (the job's rowid), so a key already marked by this
 * import is a duplicate of an earlier row of the file. When another import running at the same time overwrites
 * such a row (and its mark), a trigger records the key for this import, so a later repeat is still a duplicate.
 * The database answers both, not a set of every key held in memory; the trigger only fires on updates.
 */
export class SqliteImportWriter implements ImportWriter {
  private readonly writeBatch: (batch: ImportBatch) => WriteResult;
  private readonly forget: () => void;

  constructor(db: Database, jobId: string, entity: EntityTable) {
    ensureSqliteTable(db, entity);
    const number = db.prepare<[string], { n: number }>('SELECT rowid AS n FROM jobs WHERE id = ?').get(jobId)?.n;
    if (number === undefined) throw new Error(`No job ${jobId} to import for`);
    const headers = entity.columns.map((column) => column.name);
    const { key } = entity;
    const others = headers.filter((name) => name !== key);
    const table = quote(entity.table);
    const marker = quote(IMPORT_JOB_COLUMN);
    forgetEndedImports(db);
    db.prepare(`INSERT OR IGNORE INTO ${RUNNING_TABLE} ("job") VALUES (?)`).run(number);
    // Positional parameters: binding an array is much cheaper per row than binding named ones from an object.
    const insert = db.prepare(
      `INSERT INTO ${table} (${headers.map(quote).join(', ')}, "updated_at", ${marker})
       VALUES (${headers.map(() => '?').join(', ')}, ?, ?) ON CONFLICT DO NOTHING`,
    );
    const update = db.prepare(
      `UPDATE ${table} SET ${others.map((name) => `${quote(name)} = ?`).join(', ')}, "updated_at" = ?, ${marker} = ?
       WHERE ${quote(key)} = ? AND ${marker} IS NOT ?
         AND NOT EXISTS (SELECT 1 FROM ${OVERWRITTEN_TABLE} WHERE "job" = ? AND "key" = ${table}.${quote(key)})`,
    );
    const addError = db.prepare('INSERT INTO job_row_errors (job_id, row_number, message, cells) VALUES (?, ?, ?, ?)');
    const unregister = db.prepare(`DELETE FROM ${RUNNING_TABLE} WHERE "job" = ?`);
    const forgetKeys = db.prepare(`DELETE FROM ${OVERWRITTEN_TABLE} WHERE "job" = ?`);
    this.forget = db.transaction(() => {
      unregister.run(number);
      forgetKeys.run(number);
    });
    this.writeBatch = db.transaction(({ rows, rejected, positions }: ImportBatch) => {
      const result: WriteResult = { inserted: 0, updated: 0, duplicates: [] };
      const updatedAt = Date.now();
      const values: unknown[] = new Array(headers.length + 2);
      values[headers.length] = updatedAt;
      values[headers.length + 1] = number;
      for (const pending of rows) {
        const row = pending.values;
        for (let i = 0; i < headers.length; i++) values[i] = row[headers[i] as string] ?? null;
        if (insert.run(values).changes === 1) result.inserted++;
        else if (
          update.run([...others.map((name) => row[name] ?? null), updatedAt, number, row[key], number, number]).changes
        ) {
          result.updated++;
        } else {
          result.duplicates.push(duplicateOf(pending, key, positions));
        }
      }
      for (const error of [...rejected, ...result.duplicates]) {
        addError.run(jobId, error.row, error.message, JSON.stringify(error.cells));
      }
      return result;
    });
  }

  async write(batch: ImportBatch): Promise<WriteResult> {
    return this.writeBatch(batch);
  }

  async close(): Promise<void> {
    this.forget();
  }
}

/** The rejected row a duplicate becomes: its reason, and its cells in table order. */
export function duplicateOf(pending: ImportRow, key: string, positions: readonly number[]): RowError {
  const message = `Row ${pending.row}: ${key}: duplicate of an earlier row`;
  return { row: pending.row, message, cells: positions.map((at) => pending.cells[at] ?? '') };
}
