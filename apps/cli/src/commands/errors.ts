import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { CliContext } from '../context';
import { downloadErrors } from '../download-errors';
import { ExitCode } from '../exit-codes';
import { jobIdArgument } from '../job-id';

/** `jobstream errors <jobId> [-o file.csv]`: a job's rejected rows as CSV, to stdout or to a file. */
export async function errors(
  context: CliContext,
  jobId: string,
  outputFile: string | undefined,
  stdout: NodeJS.WritableStream,
): Promise<ExitCode> {
  const id = jobIdArgument(jobId);
  const token = await context.session();
  const job = await context.http(token).upload.get.query({ jobId: id });
  if (outputFile === undefined) {
    await downloadErrors(context.server, token, id, stdout, { end: false });
    return ExitCode.OK;
  }
  try {
    await downloadErrors(context.server, token, id, createWriteStream(outputFile), { end: true });
  } catch (error) {
    await rm(outputFile, { force: true });
    throw error;
  }
  context.output.note(`Wrote ${job.failed} rejected row${job.failed === 1 ? '' : 's'} of job ${id} to ${outputFile}`);
  return ExitCode.OK;
}
