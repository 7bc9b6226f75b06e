import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';

/** `jobstream templates`: the server's import templates and their columns. */
export async function templates(context: CliContext): Promise<ExitCode> {
  context.output.templates(await context.http().upload.templates.query());
  return ExitCode.OK;
}
