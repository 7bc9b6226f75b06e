import type { Database, JobStore, RowError } from '@jobstream/storage';
import type { ImportTemplate, ValidRow } from './templates/define-template';

/** A valid row waiting to be written: its number (data rows from 1), its values and its cells as read (file order). */
export interface PendingRow {
  row: number;
  values: ValidRow;
  cells: string[];
}

/** What one batch did. */
export interface WriteResult {
  inserted: number;
  updated: number;
  /** Rows whose key an earlier row of the same import already wrote: rejected, not written. */
  duplicates: RowError[];
}

/** Column marking the import that last wrote a row, so a key the same import meets again is a duplicate. */
const IMPORT_JOB_COLUMN = 'import_job';
/** Imports writing right now, by job number: while one runs, keys overwritten from under it are recorded. */
const RUNNING_TABLE = '"import_running"';
/** Keys a running import wrote and another import then overwrote (the row no longer carries its marker). */
const OVERWRITTEN_TABLE = '"import_overwritten"';

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Drops what the running-imports tables hold for jobs storage no longer counts as running (their process died). */
function forgetEndedImports(db: Database): void {
  const ended = `"job" NOT IN (SELECT rowid FROM "jobs" WHERE status IN ('started', 'processing'))`;
  db.exec(`DELETE FROM ${RUNNING_TABLE} WHERE ${ended}; DELETE FROM ${OVERWRITTEN_TABLE} WHERE ${ended}`);
}

/**
 * Creates the template's table when it does not exist yet, adds the import marker to one made before it, and
 * installs the trigger that remembers, for a running import, each key of its rows another import overwrites.
 */
export function ensureTable(db: Database, template: ImportTemplate): void {
  const required = new Set(template.info.columns.filter((column) => column.required).map((column) => column.name));
  const columns = template.headers.map((name) => {
    const constraint = name === template.key ? ' PRIMARY KEY' : required.has(name) ? ' NOT NULL' : '';
    return `${quote(name)} ${template.sqlTypes[name]}${constraint}`;
  });
  const table = quote(template.table);
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
  const key = `old.${quote(template.key)}`;
  db.exec(
    `CREATE TRIGGER IF NOT EXISTS ${quote(`${template.table}_import_overwrites`)}
     AFTER UPDATE OF ${marker} ON ${table}
     WHEN old.${marker} IS NOT new.${marker} AND ${key} IS NOT NULL
       AND EXISTS (SELECT 1 FROM ${RUNNING_TABLE} WHERE "job" = old.${marker})
     BEGIN
       INSERT OR IGNORE INTO ${OVERWRITTEN_TABLE} ("job", "key") VALUES (old.${marker}, ${key});
     END`,
  );
}

/**
 * Writes one import's valid rows, upserting by key, with its rejected rows, one transaction per batch. Each row
 * it writes is marked with the import's job number, so a key already marked by this import is a duplicate of an
 * earlier row of the file. When another import running at the same time overwrites such a row (and its mark), a
 * trigger records the key for this import, so a later repeat is still a duplicate. The database answers both,
 * not a set of every key held in memory; the trigger only fires on updates, never on the inserts of a new key.
 */
export class EntityWriter {
  private readonly insert;
  private readonly update;
  private readonly writeBatch;
  private readonly forget;

  constructor(
    db: Database,
    template: ImportTemplate,
    private readonly jobs: JobStore,
    jobId: string,
  ) {
    ensureTable(db, template);
    const job = jobs.numberOf(jobId);
    if (job === undefined) throw new Error(`No job ${jobId} to import for`);
    const { headers, key } = template;
    const others = headers.filter((name) => name !== key);
    const table = quote(template.table);
    const marker = quote(IMPORT_JOB_COLUMN);
    forgetEndedImports(db);
    db.prepare(`INSERT OR IGNORE INTO ${RUNNING_TABLE} ("job") VALUES (?)`).run(job);
    // Positional parameters: binding an array is much cheaper per row than binding named ones from an object.
    this.insert = db.prepare(
      `INSERT INTO ${table} (${headers.map(quote).join(', ')}, "updated_at", ${marker})
       VALUES (${headers.map(() => '?').join(', ')}, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.update = db.prepare(
      `UPDATE ${table} SET ${others.map((name) => `${quote(name)} = ?`).join(', ')}, "updated_at" = ?, ${marker} = ?
       WHERE ${quote(key)} = ? AND ${marker} IS NOT ?
         AND NOT EXISTS (SELECT 1 FROM ${OVERWRITTEN_TABLE} WHERE "job" = ? AND "key" = ${table}.${quote(key)})`,
    );
    const unregister = db.prepare(`DELETE FROM ${RUNNING_TABLE} WHERE "job" = ?`);
    const forgetKeys = db.prepare(`DELETE FROM ${OVERWRITTEN_TABLE} WHERE "job" = ?`);
    this.forget = db.transaction(() => {
      unregister.run(job);
      forgetKeys.run(job);
    });
    this.writeBatch = db.transaction(
      (rows: readonly PendingRow[], rejected: readonly RowError[], positions: readonly number[]) => {
        const result: WriteResult = { inserted: 0, updated: 0, duplicates: [] };
        const updatedAt = Date.now();
        const values: unknown[] = new Array(headers.length + 2);
        values[headers.length] = updatedAt;
        values[headers.length + 1] = job;
        for (const pending of rows) {
          const row = pending.values;
          for (let i = 0; i < headers.length; i++) values[i] = row[headers[i] as string] ?? null;
          if (this.insert.run(values).changes === 1) result.inserted++;
          else if (
            this.update.run([...others.map((name) => row[name] ?? null), updatedAt, job, row[key], job, job]).changes
          ) {
            result.updated++;
          } else {
            const message = `Row ${pending.row}: ${key}: duplicate of an earlier row`;
            const cells = positions.map((at) => pending.cells[at] ?? '');
            result.duplicates.push({ row: pending.row, message, cells });
          }
        }
        this.jobs.addRowErrors(jobId, [...rejected, ...result.duplicates]);
        return result;
      },
    );
  }

  /**
   * Commits a batch of valid and rejected rows together; `positions` maps the template's columns to the file's,
   * to store a duplicate's cells in template order as rejected rows are.
   */
  write(rows: readonly PendingRow[], rejected: readonly RowError[], positions: readonly number[]): WriteResult {
    return this.writeBatch(rows, rejected, positions);
  }

  /** Ends the import's registration and forgets the keys overwritten from under it; call however the import ends. */
  close(): void {
    this.forget();
  }
}
