import {
  type ConnectionStatus,
  isFinished,
  type JobProgressState,
  jobEstimate,
  type TrackedJobEvent,
} from '@jobstream/client';
import cliProgress from 'cli-progress';
import type { Colors } from 'picocolors/types';
import type { StoredJob, Template } from '../api-types';
import { formatBytes, formatCount, formatDateTime, formatDuration, formatEta, formatRate } from './format';
import type { CommandHints, CreatedJob, FileUploadProgress, Output } from './output';
import { rejectedSoFar } from './rejected-rows';

/** Row errors printed under a job's summary; the rest are in `jobstream errors`. */
const SUMMARY_ERRORS = 5;

/** A text table: columns padded to their widest cell, the header in bold. */
function table(colors: Colors, header: string[], rows: string[][]): string {
  const widths = header.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [colors.bold(line(header)), ...rows.map(line)].join('\n');
}

/**
 * Output for a person at a terminal: a live bar for the upload's bytes, then one for the job (percent, rows,
 * rows/s, ETA, rejected rows) that shows when the connection is being re-established, then a summary.
 * The bars are cli-progress's; they draw on stdout, which is a terminal whenever this output is used.
 */
export class TerminalOutput implements Output {
  private uploadBar: cliProgress.SingleBar | undefined;
  private jobBar: cliProgress.SingleBar | undefined;
  /** The followed job's latest state, which the job bar shows. */
  private state: JobProgressState | undefined;
  private shownJob: string | undefined;
  private reconnecting = false;

  constructor(
    private readonly stdout: NodeJS.WriteStream,
    private readonly stderr: NodeJS.WritableStream,
    private readonly colors: Colors,
    private readonly hints: CommandHints,
  ) {}

  uploadProgress({ file, sentBytes, totalBytes }: FileUploadProgress): void {
    const payload = { sent: formatBytes(sentBytes), size: formatBytes(totalBytes) };
    if (!this.uploadBar) {
      this.uploadBar = this.bar(`Uploading ${file} {bar} {percentage}% | {sent} of {size}`);
      this.uploadBar.start(Math.max(totalBytes, 1), sentBytes, payload);
    }
    this.uploadBar.update(sentBytes, payload);
  }

  jobCreated({ jobId, template }: CreatedJob): void {
    this.uploadBar?.stop();
    this.uploadBar = undefined;
    this.showJob(jobId, template);
  }

  jobEvent(_event: TrackedJobEvent, state: JobProgressState): void {
    if (state.jobId && state.templateName) this.showJob(state.jobId, state.templateName);
    if (!isFinished(state)) this.drawJob(state);
  }

  connection(status: ConnectionStatus): void {
    this.reconnecting = status === 'reconnecting';
    if (this.jobBar) this.jobBar.update(this.jobPayload());
    else this.note(this.reconnecting ? 'Connection lost; reconnecting…' : 'Connected again');
  }

  jobEnded(state: JobProgressState): void {
    if (state.result || this.jobBar) this.drawJob(state);
    this.jobBar?.stop();
    this.jobBar = undefined;
    this.print(this.summary(state).join('\n'));
  }

  detached(jobId: string): void {
    this.close();
    this.note(`Detached; job ${jobId} keeps running. Watch it again with: ${this.hints.watch(jobId)}`);
  }

  jobs(jobs: readonly StoredJob[]): void {
    if (jobs.length === 0) {
      this.print('No jobs yet. Start one with: jobstream upload <file> --template <name>');
      return;
    }
    const rows = jobs.map((job) => [
      job.jobId,
      job.templateName,
      job.status,
      `${Math.floor(job.progress)}%`,
      `${formatCount(job.processed)}/${job.total === null ? '?' : formatCount(job.total)}`,
      formatCount(job.failed),
      formatDateTime(job.createdAt),
    ]);
    this.print(table(this.colors, ['JOB', 'TEMPLATE', 'STATUS', 'PROGRESS', 'ROWS', 'REJECTED', 'CREATED'], rows));
  }

  templates(templates: readonly Template[]): void {
    const rows = templates.map((template) => [
      template.name,
      template.label,
      template.columns.map((column) => (column.required ? column.name : `[${column.name}]`)).join(','),
      template.key,
    ]);
    this.print(table(this.colors, ['NAME', 'LABEL', 'COLUMNS ([optional])', 'KEY'], rows));
  }

  cancelled(jobId: string, cancelled: boolean): void {
    this.print(
      cancelled
        ? `Cancelling job ${jobId}: it ends failed with 'Cancelled'; rows already committed stay.`
        : `Job ${jobId} is not running; nothing to cancel.`,
    );
  }

  note(message: string): void {
    this.stderr.write(`${this.colors.dim(message)}\n`);
  }

  close(): void {
    this.uploadBar?.stop();
    this.uploadBar = undefined;
    this.jobBar?.stop();
    this.jobBar = undefined;
  }

  private print(text: string): void {
    this.stdout.write(`${text}\n`);
  }

  private bar(format: string): cliProgress.SingleBar {
    return new cliProgress.SingleBar(
      { format, stream: this.stdout, barsize: 24, hideCursor: false, clearOnComplete: false, fps: 10 },
      cliProgress.Presets.shades_classic,
    );
  }

  private showJob(jobId: string, template: string): void {
    if (this.shownJob === jobId) return;
    this.shownJob = jobId;
    this.print(`${this.colors.bold('Job')} ${jobId} ${this.colors.dim(`(${template})`)}`);
  }

  private drawJob(state: JobProgressState): void {
    this.state = state;
    const value = Math.floor(state.progress);
    if (!this.jobBar) {
      this.jobBar = this.bar('{bar} {percent} | {rows} | {speed} | {left} | {rejected}');
      this.jobBar.start(100, value, this.jobPayload());
    } else {
      this.jobBar.update(value, this.jobPayload());
    }
  }

  /** The bar's text fields for the latest state (named apart from cli-progress's own `eta`, `value`, `total` ...). */
  private jobPayload(): Record<string, string> {
    const { colors, state } = this;
    if (!state) return {};
    const total = state.total === undefined ? '?' : formatCount(state.total);
    const fields = {
      percent: `${Math.floor(state.progress)}%`.padStart(4),
      rows: `${formatCount(state.processed ?? 0)}/${total} rows`,
    };
    const red = (text: string, when: boolean) => (when ? colors.red(text) : text);
    const { result } = state;
    if (result) {
      const average = result.durationMs > 0 ? formatRate((result.processed / result.durationMs) * 1000) : '- rows/s';
      const rejected = red(`${formatCount(result.failed)} rejected`, result.failed > 0);
      return { ...fields, speed: average, left: colors.green('done'), rejected };
    }
    const soFar = rejectedSoFar(state.errors);
    const rejected = red(`${soFar} rejected`, soFar !== '0');
    if (state.failure) return { ...fields, speed: '- rows/s', left: colors.red('failed'), rejected };
    const { rate, eta } = jobEstimate(state);
    const left = this.reconnecting ? colors.yellow('reconnecting…') : `ETA ${eta === undefined ? '-' : formatEta(eta)}`;
    return { ...fields, speed: rate === undefined ? '- rows/s' : formatRate(rate), left, rejected };
  }

  private summary(state: JobProgressState): string[] {
    const { colors } = this;
    const jobId = state.jobId ?? '';
    const lines: string[] = [];
    if (state.result) {
      const { inserted, updated, failed, durationMs } = state.result;
      lines.push(
        `${colors.green('✔ Completed')} in ${formatDuration(durationMs)}: ${formatCount(inserted)} inserted, ` +
          `${formatCount(updated)} updated, ${formatCount(failed)} rejected`,
      );
    } else {
      const where =
        state.processed !== undefined && state.total !== undefined
          ? ` (after ${formatCount(state.processed)} of ${formatCount(state.total)} rows)`
          : '';
      lines.push(`${colors.red('✖ Failed')}: ${state.failure?.message ?? state.message}${where}`);
    }
    if (state.errors.length > 0) {
      lines.push('First row errors:');
      for (const error of state.errors.slice(0, SUMMARY_ERRORS)) lines.push(`  ${colors.red(error)}`);
      lines.push(`All rejected rows: ${colors.bold(this.hints.errors(jobId))}`);
    }
    return lines;
  }
}
