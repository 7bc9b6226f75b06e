import { createReadStream } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { parse } from 'csv-parse';

const BATCH = 1000;

/**
 * The S4 anchor: csv-parse straight into better-sqlite3, no validation and no progress; the same table shape,
 * pragmas (WAL, synchronous=NORMAL) and batch size (1,000 rows per transaction) as the import engine. Returns rows written.
 */
export async function runBareLoop(options: { file: string; dbPath: string }): Promise<number> {
  const db = new BetterSqlite3(options.dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'CREATE TABLE users (email TEXT PRIMARY KEY, name TEXT NOT NULL, role TEXT NOT NULL, updated_at INTEGER NOT NULL)',
  );
  const insert = db.prepare('INSERT INTO users (email, name, role, updated_at) VALUES (?, ?, ?, ?)');
  const writeBatch = db.transaction((rows: string[][]) => {
    const now = Date.now();
    for (const [email, name, role] of rows) insert.run(email, name, role, now);
  });
  let rows: string[][] = [];
  let written = 0;
  try {
    for await (const record of createReadStream(options.file).pipe(parse({ from_line: 2 })) as AsyncIterable<
      string[]
    >) {
      rows.push(record);
      if (rows.length === BATCH) {
        writeBatch(rows);
        written += rows.length;
        rows = [];
      }
    }
    writeBatch(rows);
    return written + rows.length;
  } finally {
    db.close();
  }
}
