/** A rejected upload: the HTTP status and the message the client gets. */
export class UploadError extends Error {
  override readonly name = 'UploadError';
  constructor(
    readonly status: 400 | 401 | 413 | 415 | 429 | 507,
    message: string,
  ) {
    super(message);
  }
}
