import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** Options of `usersCsv`. */
export interface UsersCsvOptions {
  rows: number;
  /** Every n-th data row (1-based) gets an invalid email; 0 for none. */
  badEvery?: number;
  /** Makes emails unique across files. */
  prefix?: string;
}

function usersRow(i: number, { badEvery = 0, prefix = 'user' }: UsersCsvOptions): string {
  const bad = badEvery > 0 && i % badEvery === 0;
  return `${bad ? `not-an-email-${i}` : `${prefix}${i}@example.com`},User ${i},${i % 10 === 0 ? 'admin' : 'member'}`;
}

/** A users CSV (`email,name,role`) with `rows` data rows, some invalid on request. */
export function usersCsv(options: UsersCsvOptions): Buffer {
  const lines = ['email,name,role'];
  for (let i = 1; i <= options.rows; i++) lines.push(usersRow(i, options));
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** Writes the CSV `usersCsv` makes to `path` a chunk at a time, for files too large to hand over as one buffer. */
export async function writeUsersCsv(path: string, options: UsersCsvOptions): Promise<string> {
  const out = createWriteStream(path);
  const chunk: string[] = ['email,name,role'];
  for (let i = 1; i <= options.rows; i++) {
    chunk.push(usersRow(i, options));
    if (chunk.length === 10_000 || i === options.rows) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk.length = 0;
    }
  }
  out.end();
  await once(out, 'finish');
  return path;
}

/** The row errors a users CSV made with `badEvery` gets, as the importer words them. */
export function expectedRowErrors(rows: number, badEvery: number): string[] {
  const errors: string[] = [];
  for (let i = badEvery; i <= rows; i += badEvery) errors.push(`Row ${i}: email: Invalid email address`);
  return errors;
}
