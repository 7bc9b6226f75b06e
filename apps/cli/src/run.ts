import { CommanderError } from 'commander';
import type { CliIo } from './context';
import { CliError, ExitCode } from './exit-codes';
import { toCliError } from './failure';
import { createProgram } from './program';
import { DEFAULT_SERVER_URL, serverAddress } from './server-address';

function report(io: CliIo, error: CliError): void {
  io.stderr.write(`jobstream: ${error.message}\n`);
  if (error.hint) io.stderr.write(`${error.hint}\n`);
}

/** Runs the command line `argv` (as `process.argv`) and resolves with the exit code; nothing here exits the process. */
export async function run(argv: readonly string[], io: CliIo): Promise<ExitCode> {
  let exitCode: ExitCode = ExitCode.OK;
  const program = createProgram(io, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    // Commander has already printed its own message (or the help, which exits 0).
    if (error instanceof CommanderError) return error.exitCode === 0 ? ExitCode.OK : ExitCode.USAGE;
    const url = program.opts<{ url?: string }>().url ?? DEFAULT_SERVER_URL;
    const failure = error instanceof CliError ? error : toCliError(error, serverAddress(url));
    report(io, failure);
    return failure.exitCode;
  }
}
