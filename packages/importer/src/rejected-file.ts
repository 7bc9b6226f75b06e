/** A file refused before its job is created (nothing to import, or not UTF-8 text); uploads answer 400. */
export class RejectedFileError extends Error {
  override readonly name = 'RejectedFileError';
}
