import type { CliContext } from '../context';
import { ExitCode } from '../exit-codes';
import { jobIdArgument } from '../job-id';

/** `jobstream cancel <jobId>`: stops a running job (exit 1 when it was not running). */
export async function cancel(context: CliContext, jobId: string): Promise<ExitCode> {
  const id = jobIdArgument(jobId);
  const token = await context.session();
  const { cancelled } = await context.http(token).upload.cancel.mutate({ jobId: id });
  context.output.cancelled(id, cancelled);
  return cancelled ? ExitCode.OK : ExitCode.FAILED;
}
