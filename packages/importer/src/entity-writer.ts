import type { Database, JobStore, RowError } from '@jobstream/storage';
import type { ImportTemplate, ValidRow } from './templates/define-template';

/** Rows written by one batch. */
export interface WriteCounts {
  inserted: number;
  updated: number;
}

function quote(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

/** Creates the template's table when it does not exist yet. */
export function ensureTable(db: Database, template: ImportTemplate): void {
  const required = new Set(template.info.columns.filter((column) => column.required).map((column) => column.name));
  const columns = template.headers.map((name) => {
    const constraint = name === template.key ? ' PRIMARY KEY' : required.has(name) ? ' NOT NULL' : '';
    return `${quote(name)} ${template.sqlTypes[name]}${constraint}`;
  });
  db.exec(`CREATE TABLE IF NOT EXISTS ${quote(template.table)} (${columns.join(', ')}, "updated_at" INTEGER NOT NULL)`);
}

/** Writes validated rows (upserting by key) and rejected rows, one transaction per batch. */
export class EntityWriter {
  private readonly insert;
  private readonly update;
  private readonly writeBatch;

  constructor(
    db: Database,
    template: ImportTemplate,
    private readonly jobs: JobStore,
  ) {
    ensureTable(db, template);
    const { headers, key } = template;
    const others = headers.filter((name) => name !== key);
    const placeholders = headers.map(() => '?');
    // Positional parameters: binding an array is much cheaper per row than binding named ones from an object.
    this.insert = db.prepare(
      `INSERT INTO ${quote(template.table)} (${headers.map(quote).join(', ')}, "updated_at")
       VALUES (${placeholders.join(', ')}, ?) ON CONFLICT DO NOTHING`,
    );
    this.update = db.prepare(
      `UPDATE ${quote(template.table)} SET ${others.map((name) => `${quote(name)} = ?`).join(', ')}, "updated_at" = ?
       WHERE ${quote(key)} = ?`,
    );
    this.writeBatch = db.transaction((jobId: string, rows: readonly ValidRow[], errors: readonly RowError[]) => {
      const counts: WriteCounts = { inserted: 0, updated: 0 };
      const updatedAt = Date.now();
      const values: unknown[] = new Array(headers.length + 1);
      values[headers.length] = updatedAt;
      for (const row of rows) {
        for (let i = 0; i < headers.length; i++) values[i] = row[headers[i] as string] ?? null;
        if (this.insert.run(values).changes === 1) counts.inserted++;
        else {
          this.update.run([...others.map((name) => row[name] ?? null), updatedAt, row[key] ?? null]);
          counts.updated++;
        }
      }
      this.jobs.addRowErrors(jobId, errors);
      return counts;
    });
  }

  /** Commits a batch of valid and rejected rows together. */
  write(jobId: string, rows: readonly ValidRow[], errors: readonly RowError[]): WriteCounts {
    return this.writeBatch(jobId, rows, errors);
  }
}
