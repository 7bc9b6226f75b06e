import type { ConnectionStatus, TrackedJobEvent } from '@jobstream/client';
import type { StoredJob, Template } from '../api-types';
import type { CommandHints, CreatedJob, FileUploadProgress, Output } from './output';

/**
 * Output for programs: one JSON object per line on stdout and nothing else there; messages go to stderr.
 * Job events are written as the server sent them (`{ id, event, payload, snapshot? }`); the command's own events
 * (`file-upload`, `job-created`, `connection`, `detached`) have the same `event` key.
 */
export class NdjsonOutput implements Output {
  /** Whole percent of the file last reported: upload progress is written at most once per percent. */
  private uploadPercent = -1;

  constructor(
    private readonly stdout: NodeJS.WritableStream,
    private readonly stderr: NodeJS.WritableStream,
    private readonly hints: CommandHints,
  ) {}

  uploadProgress({ file, sentBytes, totalBytes }: FileUploadProgress): void {
    const percent = totalBytes === 0 ? 100 : Math.floor((sentBytes / totalBytes) * 100);
    if (percent <= this.uploadPercent) return;
    this.uploadPercent = percent;
    this.write({ event: 'file-upload', file, sentBytes, totalBytes });
  }

  jobCreated(job: CreatedJob): void {
    this.write({ event: 'job-created', ...job });
  }

  jobEvent({ id, data }: TrackedJobEvent): void {
    this.write({ id, ...data });
  }

  connection(status: ConnectionStatus): void {
    this.write({ event: 'connection', status });
  }

  jobEnded(): void {}

  detached(jobId: string): void {
    this.write({ event: 'detached', jobId });
    this.note(`Detached; job ${jobId} keeps running. Watch it again with: ${this.hints.watch(jobId)}`);
  }

  jobs(jobs: readonly StoredJob[]): void {
    for (const job of jobs) this.write(job);
  }

  templates(templates: readonly Template[]): void {
    for (const template of templates) this.write(template);
  }

  cancelled(jobId: string, cancelled: boolean): void {
    this.write({ event: 'cancel', jobId, cancelled });
  }

  note(message: string): void {
    this.stderr.write(`${message}\n`);
  }

  close(): void {}

  private write(value: object): void {
    this.stdout.write(`${JSON.stringify(value)}\n`);
  }
}
