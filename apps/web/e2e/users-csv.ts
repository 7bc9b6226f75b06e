/** Options of `usersCsv`. */
export interface UsersCsvOptions {
  rows: number;
  /** Every n-th data row (1-based) gets an invalid email; 0 for none. */
  badEvery?: number;
  /** Makes emails unique across files. */
  prefix?: string;
}

/** A users CSV (`email,name,role`) with `rows` data rows, some invalid on request. */
export function usersCsv({ rows, badEvery = 0, prefix = 'user' }: UsersCsvOptions): Buffer {
  const lines = ['email,name,role'];
  for (let i = 1; i <= rows; i++) {
    const bad = badEvery > 0 && i % badEvery === 0;
    lines.push(
      `${bad ? `not-an-email-${i}` : `${prefix}${i}@example.com`},User ${i},${i % 10 === 0 ? 'admin' : 'member'}`,
    );
  }
  return Buffer.from(`${lines.join('\n')}\n`);
}

/** The row errors a users CSV made with `badEvery` gets, as the importer words them. */
export function expectedRowErrors(rows: number, badEvery: number): string[] {
  const errors: string[] = [];
  for (let i = badEvery; i <= rows; i += badEvery) errors.push(`Row ${i}: email: Invalid email address`);
  return errors;
}
