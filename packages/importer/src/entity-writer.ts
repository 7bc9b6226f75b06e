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
    const names = template.headers.map(quote);
    const params = template.headers.map((name) => `@${name}`);
    const sets = template.headers.filter((name) => name !== template.key).map((name) => `${quote(name)} = @${name}`);
    this.insert = db.prepare(
      `INSERT INTO ${quote(template.table)} (${names.join(', ')}, "updated_at") VALUES (${params.join(', ')}, @updatedAt)
       ON CONFLICT DO NOTHING`,
    );
    this.update = db.prepare(
      `UPDATE ${quote(template.table)} SET ${sets.join(', ')}, "updated_at" = @updatedAt WHERE ${quote(template.key)} = @${template.key}`,
    );
    this.writeBatch = db.transaction((jobId: string, rows: readonly ValidRow[], errors: readonly RowError[]) => {
      const counts: WriteCounts = { inserted: 0, updated: 0 };
      const updatedAt = Date.now();
      for (const row of rows) {
        const values: Record<string, unknown> = { updatedAt };
        for (const name of template.headers) values[name] = row[name] ?? null;
        if (this.insert.run(values).changes === 1) counts.inserted++;
        else {
          this.update.run(values);
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
