const CSV_TYPES = new Set(['text/csv', 'application/csv', 'application/vnd.ms-excel', 'text/plain', '']);

/** True for a file that looks like CSV by its name or type. */
export function isCsvFile(file: Pick<File, 'name' | 'type'>): boolean {
  return file.name.toLowerCase().endsWith('.csv') || (CSV_TYPES.has(file.type) && file.type !== '');
}
