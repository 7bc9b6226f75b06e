import { CsvSyntaxError } from './csv/csv-parser';

/** A reason that ends a whole import (bad header, malformed file, a limit), as the user should read it. */
export class ImportFailure extends Error {
  override readonly name = 'ImportFailure';
}

/** The message for a record the CSV parser refused, naming its line (or, for too many cells, its row). */
function describeSyntaxError(error: CsvSyntaxError, maxColumns: number): string {
  const where = `Malformed CSV at line ${error.line}`;
  switch (error.code) {
    case 'QUOTE_NOT_CLOSED':
      return `${where}: a quoted field is not closed`;
    case 'QUOTE_IN_UNQUOTED_FIELD':
      return `${where}: a quote inside an unquoted field (quote the whole field and double the quote)`;
    case 'CHARACTER_AFTER_QUOTE':
      return `${where}: unexpected character after a closing quote`;
    case 'ROW_TOO_LONG':
      return `${where}: a row is longer than the allowed size`;
    case 'TOO_MANY_COLUMNS': {
      const which = error.record === 0 ? 'The header' : `Row ${error.record}`;
      return `${which} has too many columns (more than ${maxColumns})`;
    }
  }
}

/** The import failure for an error the CSV parser raised, or the error itself for anything else. */
export function asImportFailure(error: unknown, maxColumns: number): unknown {
  return error instanceof CsvSyntaxError ? new ImportFailure(describeSyntaxError(error, maxColumns)) : error;
}
