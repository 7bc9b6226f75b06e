const CSV_TYPES = new Set(['text/csv', 'application/csv']);

/** True for a file named `.csv` or typed as CSV; a `.txt` or untyped file is not taken for one. */
export function isCsvFile(file: Pick<File, 'name' | 'type'>): boolean {
  return file.name.toLowerCase().endsWith('.csv') || CSV_TYPES.has(file.type.toLowerCase());
}
