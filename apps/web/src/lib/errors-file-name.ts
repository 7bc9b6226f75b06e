/** The name a job's rejected rows download as, as the API server names them: `<file name without .csv>-errors.csv`. */
export function errorsFileName(jobId: string, fileName: string | undefined): string {
  const stem = fileName?.replace(/\.csv$/i, '') || jobId;
  return `${stem}-errors.csv`;
}
