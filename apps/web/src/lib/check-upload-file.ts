import type { Template, UploadLimits } from './api-types';
import { firstCsvRow, headerMismatch } from './csv-header';
import { formatBytes } from './format-bytes';
import { isCsvFile } from './is-csv-file';

/** Bytes read from the start of a file to find its header row; a longer header is left to the server. */
const HEADER_BYTES = 64 * 1024;

function listed(names: readonly string[]): string {
  return names.map((name) => (name === '' ? '(blank)' : name)).join(', ');
}

/** Why `file` cannot be imported with `template` within `limits` (both may be unknown yet), told before any upload. */
export async function checkUploadFile(
  file: File,
  template: Template | undefined,
  limits: UploadLimits | null | undefined,
): Promise<string | undefined> {
  if (!isCsvFile(file)) return `${file.name} is not a CSV file. Choose a file whose name ends in .csv.`;
  if (file.size === 0) return `${file.name} is empty.`;
  if (limits && file.size > limits.maxUploadBytes) {
    return `${file.name} is ${formatBytes(file.size)}, larger than the ${formatBytes(limits.maxUploadBytes)} a file can have.`;
  }
  if (!template) return undefined;
  const start = await file.slice(0, HEADER_BYTES).text();
  const header = firstCsvRow(start, file.size <= HEADER_BYTES);
  if (!header) return undefined;
  const expected = template.columns.map((column) => column.name);
  const mismatch = headerMismatch(header, expected);
  if (!mismatch) return undefined;
  const problems = [
    mismatch.missing.length ? `Missing: ${listed(mismatch.missing)}.` : '',
    mismatch.unexpected.length ? `Not expected: ${listed(mismatch.unexpected)}.` : '',
    mismatch.repeated.length ? `Repeated: ${listed(mismatch.repeated)}.` : '',
  ].filter(Boolean);
  return `The first row of ${file.name} must name the ${template.label.toLowerCase()} columns ${expected.join(', ')}. ${problems.join(' ')}`;
}
