import type { CliContext } from '../context';
import type { ExitCode } from '../exit-codes';
import { type FollowSettings, followToEnd } from '../follow';
import { withInterrupts } from '../interrupts';
import { jobIdArgument } from '../job-id';

/** `jobstream watch <jobId>`: follows a job to its end (or shows how it ended). */
export async function watch(context: CliContext, jobId: string, settings: FollowSettings): Promise<ExitCode> {
  const id = jobIdArgument(jobId);
  const token = await context.session();
  return withInterrupts((interrupt) => followToEnd(context, token, id, settings, interrupt));
}
