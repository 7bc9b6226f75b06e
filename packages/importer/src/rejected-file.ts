/** A file refused before its job is created (nothing to import, or a row too wide to parse safely); uploads answer 400. */
export class RejectedFileError extends Error {
  override readonly name = 'RejectedFileError';
}
