import { ImportFailure } from './import-failure';
import type { ImportTemplate } from './templates/define-template';

/** Normalizes a header cell: trimmed, lower-case. */
function normalize(cell: string): string {
  return cell.trim().toLowerCase();
}

/** Checks a CSV header against the template, in any order; fails naming the missing, unknown and repeated columns. */
export function checkHeader(template: ImportTemplate, cells: readonly string[]): string[] {
  const header = cells.map(normalize);
  const expected = new Set(template.headers);
  const seen = new Set<string>();
  const repeated = new Set<string>();
  for (const name of header) {
    if (seen.has(name)) repeated.add(name);
    seen.add(name);
  }
  const missing = template.headers.filter((name) => !seen.has(name));
  const unknown = [...seen].filter((name) => !expected.has(name));
  const problems = [
    missing.length ? `missing columns: ${missing.join(', ')}` : '',
    unknown.length ? `unknown columns: ${unknown.slice(0, 20).join(', ')}${unknown.length > 20 ? ', …' : ''}` : '',
    repeated.size ? `repeated columns: ${[...repeated].join(', ')}` : '',
  ].filter(Boolean);
  if (problems.length > 0) {
    throw new ImportFailure(
      `Header does not match template '${template.name}' (expected ${template.headers.join(',')}): ${problems.join('; ')}`,
    );
  }
  return header;
}
