/**
 * The errors of a row whose cell count differs from the header's, each naming a field: every missing column of a
 * short row (`role: missing (the row has 2 of 3 columns)`), or the surplus cells of a long one
 * (`column 4: unexpected (the row has 4 columns, the header 3)`).
 */
export function columnCountErrors(header: readonly string[], cells: number): string[] {
  if (cells < header.length) {
    const reason = `missing (the row has ${cells} of ${header.length} columns)`;
    return header.slice(cells).map((name) => `${name}: ${reason}`);
  }
  const from = header.length + 1;
  const field = cells === from ? `column ${from}` : `columns ${from}-${cells}`;
  return [`${field}: unexpected (the row has ${cells} columns, the header ${header.length})`];
}
