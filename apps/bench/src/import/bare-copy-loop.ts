import { createReadStream } from 'node:fs';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';

const BATCH = 1000;

/** Characters COPY's text format escapes with a backslash, and their escapes. */
const SPECIAL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A cell as COPY's text format reads it back exactly. */
function copyCell(value: string): string {
  return value.replace(SPECIAL, (char) => ESCAPES[char] as string);
}

/** Copies one batch in its own transaction; returns the rows COPY reports it wrote. */
async function copyBatch(client: pg.Client, rows: readonly string[][]): Promise<number> {
  const now = Date.now();
  let text = '';
  for (const [email = '', name = '', role = ''] of rows) {
    text += `${copyCell(email)}\t${copyCell(name)}\t${copyCell(role)}\t${now}\n`;
  }
  await client.query('BEGIN');
  const copy = client.query(copyFrom('COPY users (email, name, role, updated_at) FROM STDIN'));
  copy.end(text);
  await finished(copy);
  await client.query('COMMIT');
  return copy.rowCount;
}

/**
 * The S4 anchor for PostgreSQL: csv-parse straight into `pg` (the client the store uses) with COPY through
 * pg-copy-streams, no validation and no progress, into a table of the shape the engine creates (the users
 * template's columns, `updated_at`, `import_job`, primary key on `email`; without the engine's overwrite trigger,
 * which fires on updates only). One COPY per 1,000 rows, each in its own transaction, awaited before the next rows
 * are read: the engine commits every batch on its own (progress counts committed rows, a failure loses only the
 * batch being read), so the anchor commits as often; one COPY of the whole file in one transaction would compare
 * the engine with a loop that keeps none of that. Returns the rows COPY reports written.
 */
export async function runBareCopyLoop(options: { file: string; databaseUrl: string }): Promise<number> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await client.query(
      'CREATE TABLE users (email text PRIMARY KEY, name text NOT NULL, role text, updated_at bigint NOT NULL, import_job bigint)',
    );
    let rows: string[][] = [];
    let written = 0;
    for await (const record of createReadStream(options.file).pipe(parse({ from_line: 2 })) as AsyncIterable<
      string[]
    >) {
      rows.push(record);
      if (rows.length === BATCH) {
        written += await copyBatch(client, rows);
        rows = [];
      }
    }
    if (rows.length > 0) written += await copyBatch(client, rows);
    return written;
  } finally {
    await client.end();
  }
}
