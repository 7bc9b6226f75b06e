/**
 * The cells of the first row of CSV text (a leading BOM skipped, quoted cells unquoted, `""` read as `"`), or
 * undefined when `text` is only the start of a longer file and the row does not end within it.
 */
export function firstCsvRow(text: string, complete: boolean): string[] | undefined {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char !== '"') cell += char;
      else if (text[i + 1] === '"') {
        cell += '"';
        i++;
      } else quoted = false;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      cells.push(cell);
      cell = '';
    } else if (char === '\n' || char === '\r') {
      cells.push(cell);
      return cells;
    } else cell += char;
  }
  if (!complete) return undefined;
  cells.push(cell);
  return cells;
}

/** How a header row differs from the columns a template expects: compared trimmed and case-insensitively, in any order. */
export interface HeaderMismatch {
  missing: string[];
  unexpected: string[];
  repeated: string[];
}

/** The differences between `header` and `expected`, or undefined when they name the same columns once each. */
export function headerMismatch(header: readonly string[], expected: readonly string[]): HeaderMismatch | undefined {
  const names = header.map((cell) => cell.trim().toLowerCase());
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of names) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  const wanted = new Set(expected);
  const missing = expected.filter((name) => !seen.has(name));
  const unexpected = [...seen].filter((name) => !wanted.has(name));
  if (missing.length === 0 && unexpected.length === 0 && repeated.size === 0) return undefined;
  return { missing, unexpected, repeated: [...repeated] };
}
