import type { RowError } from '@jobstream/storage';

const FORMULA_START = /^[=+\-@\t\r]/;

/** Makes a cell safe for spreadsheets: a leading `=`, `+`, `-`, `@`, tab or CR is prefixed with `'` (formula injection). */
export function neutralizeFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

/** Quotes a cell for CSV when it needs it. */
export function quoteCell(cell: string): string {
  return /[",\r\n]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell;
}

/** One CSV line of safe, quoted cells. */
export function csvLine(cells: readonly string[]): string {
  return `${cells.map((cell) => quoteCell(neutralizeFormula(cell))).join(',')}\r\n`;
}

/** The rejected-rows file: the template's columns, then the row number and the reasons. */
export function* errorsCsv(headers: readonly string[], errors: Iterable<RowError>): Generator<string> {
  yield csvLine([...headers, 'row', 'error']);
  for (const error of errors) {
    const cells = headers.map((_, i) => error.cells[i] ?? '');
    yield csvLine([...cells, String(error.row), error.message]);
  }
}
