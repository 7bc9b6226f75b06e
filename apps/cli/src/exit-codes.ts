/** The command's exit codes: what a script can branch on. */
export const ExitCode = {
  /** The command did what was asked; a followed job completed. */
  OK: 0,
  /** A followed job failed or was cancelled, or the server refused the request. */
  FAILED: 1,
  /** Bad arguments: unknown template or job, missing file, invalid option. */
  USAGE: 2,
  /** The server cannot be reached, or the session or token is not accepted. */
  UNAVAILABLE: 3,
  /** Ctrl-C detached from a job that keeps running (128 + SIGINT, as shells report it). */
  INTERRUPTED: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A failure the command reports with a message (on stderr) and an exit code. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    readonly exitCode: ExitCode,
    message: string,
    /** A second line telling the user what to do about it. */
    readonly hint?: string,
  ) {
    super(message);
  }
}
