import { basename } from 'node:path';
import type { CliContext } from '../context';
import { CliError, ExitCode } from '../exit-codes';
import { type FollowSettings, followToEnd } from '../follow';
import { withInterrupts } from '../interrupts';
import { readableFileSize, uploadFile } from '../upload-file';

/** Options of `jobstream upload`. */
export interface UploadOptions extends FollowSettings {
  template: string;
  follow: boolean;
}

/** `jobstream upload <file> --template <name> [--follow]`: sends the file, then follows the job when asked. */
export async function upload(context: CliContext, path: string, options: UploadOptions): Promise<ExitCode> {
  const { output } = context;
  const size = await readableFileSize(path);
  const templates = await context.http().upload.templates.query();
  if (!templates.some((template) => template.name === options.template)) {
    throw new CliError(
      ExitCode.USAGE,
      `Unknown template '${options.template}'`,
      `Templates: ${templates.map((template) => template.name).join(', ')} (see: jobstream templates)`,
    );
  }
  const token = await context.session();
  const file = basename(path);
  return withInterrupts(async (interrupt) => {
    let jobId: string;
    try {
      jobId = await uploadFile({
        server: context.server,
        token,
        template: options.template,
        path,
        size,
        signal: interrupt,
        onProgress: (sentBytes) => output.uploadProgress({ file, sentBytes, totalBytes: size }),
      });
    } catch (error) {
      output.close();
      if (!interrupt.aborted) throw error;
      output.note('Upload interrupted; no job was created.');
      return ExitCode.INTERRUPTED;
    }
    output.jobCreated({ jobId, template: options.template, file });
    if (!options.follow) {
      output.note(`Follow it with: ${context.hints.watch(jobId)}`);
      return ExitCode.OK;
    }
    return followToEnd(context, token, jobId, options, interrupt);
  });
}
