import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';

/** `jobstream jobs`: the session's most recent jobs, newest first. */
export async function jobs(context: CliContext, limit: number): Promise<ExitCode> {
  const token = await context.session();
  context.output.jobs(await context.http(token).upload.list.query({ limit }));
  return ExitCode.OK;
}
