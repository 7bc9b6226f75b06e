/**
 * Row errors a server sends in a job's events by default (its `maxErrorsInEvent`): past it, more rows may have been
 * rejected than the events name.
 */
const ROW_ERRORS_IN_EVENTS = 100;

const ROW_NUMBER = /^Row (\d+):/;

/** How many rows the errors `Row N: field: message` name (a row with several errors counts once). */
export function rejectedRowCount(errors: readonly string[]): number {
  const rows = new Set<string>();
  for (const error of errors) rows.add(ROW_NUMBER.exec(error)?.[1] ?? error);
  return rows.size;
}

/** The rejected rows of a running job as far as its events tell: "3", or "100+" once they name as many as they carry. */
export function rejectedSoFar(errors: readonly string[]): string {
  const count = rejectedRowCount(errors);
  return errors.length >= ROW_ERRORS_IN_EVENTS ? `${count}+` : String(count);
}
