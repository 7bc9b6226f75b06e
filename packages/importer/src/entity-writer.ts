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

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Creates the template's table when it does not exist yet, and adds the import marker to one made before it. */
export function ensureTable(db: Database, template: ImportTemplate): void {
  const required = new Set(template.info.columns.filter((column) => column.required).map((column) => column.name));
  const columns = template.headers.map((name) => {
    const constraint = name === template.key ? ' PRIMARY KEY' : required.has(name) ? ' NOT NULL' : '';
    return `${quote(name)} ${template.sqlTypes[name]}${constraint}`;
  });
  const table = quote(template.table);
  db.exec(
    `CREATE TABLE IF NOT EXISTS ${table} (${columns.join(', ')}, "updated_at" INTEGER NOT NULL, ${quote(IMPORT_JOB_COLUMN)} INTEGER)`,
  );
  const existing = db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[];
  if (!existing.some((column) => column.name === IMPORT_JOB_COLUMN)) {
    db.exec(`ALTER TABLE ${table} ADD COLUMN ${quote(IMPORT_JOB_COLUMN)} INTEGER`);
  }
}

/**
 * Writes one import's valid rows, upserting by key, with its rejected rows, one transaction per batch. Each row
 * it writes is marked with the import's job number, so a key that is already marked by this import is a
 * duplicate of an earlier row of the file: the database answers that, not a set of every key held in memory.
 */
export class EntityWriter {
  private readonly insert;
  private readonly update;
  private readonly writeBatch;

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
    const marker = quote(IMPORT_JOB_COLUMN);
    // Positional parameters: binding an array is much cheaper per row than binding named ones from an object.
    this.insert = db.prepare(
      `INSERT INTO ${quote(template.table)} (${headers.map(quote).join(', ')}, "updated_at", ${marker})
       VALUES (${headers.map(() => '?').join(', ')}, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.update = db.prepare(
      `UPDATE ${quote(template.table)} SET ${others.map((name) => `${quote(name)} = ?`).join(', ')}, "updated_at" = ?,
       ${marker} = ? WHERE ${quote(key)} = ? AND ${marker} IS NOT ?`,
    );
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
            this.update.run([...others.map((name) => row[name] ?? null), updatedAt, job, row[key], job]).changes
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
}
