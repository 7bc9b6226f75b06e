import { CsvError } from 'csv-parse';

/** A reason that ends a whole import (bad header, malformed file, a limit), as the user should read it. */
export class ImportFailure extends Error {
  override readonly name = 'ImportFailure';
}

/** The message for a csv-parse error, with its line number. */
export function describeParseError(error: unknown): string {
  const { code, lines, message } = error as { code?: string; lines?: number; message?: string };
  const where = lines ? ` at line ${lines}` : '';
  switch (code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `Malformed CSV${where}: a quoted field is not closed`;
    case 'CSV_MAX_RECORD_SIZE':
      return `Malformed CSV${where}: a row is longer than the allowed size`;
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return `Malformed CSV${where}: unexpected character after a closing quote`;
    default:
      return `Malformed CSV${where}: ${message ?? 'unreadable file'}`;
  }
}

/** True for an error csv-parse raised about the file's content. */
export function isParseError(error: unknown): boolean {
  return error instanceof CsvError;
}
