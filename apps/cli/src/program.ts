import { Command, InvalidArgumentError, Option } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { cancel } from './commands/cancel';
import { errors } from './commands/errors';
import { jobs } from './commands/jobs';
import { templates } from './commands/templates';
import { upload } from './commands/upload';
import { watch } from './commands/watch';
import { type CliIo, createContext, type GlobalOptions } from './context';
import type { ExitCode } from './exit-codes';
import type { FollowSettings } from './follow';
import { DEFAULT_SERVER_URL } from './server-address';

/** Default of `--reconnect-timeout`, seconds. */
const RECONNECT_TIMEOUT_S = 300;

function positiveNumber(value: string): number {
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new InvalidArgumentError('must be a number greater than 0');
  return parsed;
}

function jobLimit(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1 || parsed > 100) {
    throw new InvalidArgumentError('must be a whole number from 1 to 100');
  }
  return parsed;
}

interface FollowFlags {
  cancelOnInterrupt?: boolean;
  reconnectTimeout: number;
}

function followSettings(flags: FollowFlags): FollowSettings {
  return { cancelOnInterrupt: flags.cancelOnInterrupt === true, reconnectTimeoutMs: flags.reconnectTimeout * 1000 };
}

/** Adds the options of the commands that follow a job. */
function withFollowOptions(command: Command): Command {
  return command
    .option('--cancel-on-interrupt', 'Ctrl-C cancels the job instead of detaching from it')
    .addOption(
      new Option('--reconnect-timeout <seconds>', 'give up (exit 3) after the connection has been lost this long')
        .argParser(positiveNumber)
        .default(RECONNECT_TIMEOUT_S),
    );
}

const EXIT_CODES_HELP = `
Output:
  On a terminal: live bars and a summary. Otherwise, or with --json: one JSON
  object per event on stdout (NDJSON); messages go to stderr.

Exit codes:
  0  completed       1  the job failed or was cancelled, or the server refused
  2  usage error     3  server unreachable or session not accepted
  130  Ctrl-C detached from a job that keeps running`;

/**
 * The `jobstream` program. Each action stores its exit code with `setExitCode`; commander's own usage errors
 * (unknown option, missing argument) throw, as `exitOverride` asks.
 */
export function createProgram(io: CliIo, setExitCode: (code: ExitCode) => void): Command {
  const program = new Command('jobstream')
    .description('Upload CSV files to a jobstream server and follow their imports live.')
    .version(packageJson.version)
    .addOption(new Option('--url <url>', 'API server address').env('JOBSTREAM_URL').default(DEFAULT_SERVER_URL))
    .addOption(
      new Option('--token <token>', 'session token (default: a session of your own, saved on first use)').env(
        'JOBSTREAM_TOKEN',
      ),
    )
    .option('--json', 'write NDJSON even on a terminal')
    .addHelpText('after', EXIT_CODES_HELP)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    });

  const contextOf = (command: Command) => createContext(command.optsWithGlobals<GlobalOptions>(), io);

  withFollowOptions(
    program
      .command('upload')
      .description('upload a CSV file as a new import job')
      .argument('<file>', 'CSV file to import')
      .requiredOption('-t, --template <name>', 'import template (see: jobstream templates)')
      .option('-f, --follow', 'follow the job to its end with a live progress bar'),
  ).action(async (file: string, flags: FollowFlags & { template: string; follow?: boolean }, command: Command) => {
    const options = { ...followSettings(flags), template: flags.template, follow: flags.follow === true };
    setExitCode(await upload(contextOf(command), file, options));
  });

  withFollowOptions(
    program.command('watch').description('follow a job to its end').argument('<jobId>', 'the job to follow'),
  ).action(async (jobId: string, flags: FollowFlags, command: Command) => {
    setExitCode(await watch(contextOf(command), jobId, followSettings(flags)));
  });

  program
    .command('jobs')
    .description('list your most recent jobs, newest first')
    .addOption(new Option('-n, --limit <count>', 'how many (1-100)').argParser(jobLimit).default(20))
    .action(async (flags: { limit: number }, command: Command) => {
      setExitCode(await jobs(contextOf(command), flags.limit));
    });

  program
    .command('cancel')
    .description('cancel a running job (rows already committed stay)')
    .argument('<jobId>', 'the job to cancel')
    .action(async (jobId: string, _flags: object, command: Command) => {
      setExitCode(await cancel(contextOf(command), jobId));
    });

  program
    .command('templates')
    .description('list the import templates and their columns')
    .action(async (_flags: object, command: Command) => {
      setExitCode(await templates(contextOf(command)));
    });

  program
    .command('errors')
    .description("download a job's rejected rows, with the reason for each, as CSV")
    .argument('<jobId>', 'the job')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .action(async (jobId: string, flags: { output?: string }, command: Command) => {
      setExitCode(await errors(contextOf(command), jobId, flags.output, io.stdout));
    });

  return program;
}
