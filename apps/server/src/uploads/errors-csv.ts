import type { RowError } from '@jobstream/storage';

/** A cell a spreadsheet could run: it starts with tab or CR, or with `=`, `+`, `-` or `@` after any whitespace. */
const FORMULA_START = /^(?:[\t\r]|\s*[=+\-@])/;

/**
 * Makes a cell safe for spreadsheets (CSV injection, as OWASP lists it): a cell starting with tab, CR, or with
 * `=`, `+`, `-`, `@` after optional whitespace is prefixed with `'`.
 */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Quotes a cell for CSV when it needs it. */
function quoteCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** One CSV line of safe, quoted cells. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => quoteCell(neutralizeFormula(cell))).join(',')}\r\n`;
}

/** Text handed to the response at once: enough lines that each write carries many rows, not one. */
const PIECE_CHARS = 16 * 1024;

/** The rejected-rows file, in pieces of many lines: the template's columns, then the row number and the reasons. */
export async function* errorsCsv(headers: readonly string[], errors: AsyncIterable<RowError>): AsyncGenerator<string> {
  let piece = csvLine([...headers, 'row', 'error']);
  for await (const error of errors) {
    const cells = headers.map((_, i) => error.cells[i] ?? '');
    piece += csvLine([...cells, String(error.row), error.message]);
    if (piece.length >= PIECE_CHARS) {
      yield piece;
      piece = '';
    }
  }
  yield piece;
}
