import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { waitFor } from '@jobstream/testing';

/** The built command, as `pnpm exec jobstream` runs it. */
export const CLI = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));

/** One NDJSON line of the CLI's stdout. */
export type OutputLine = Record<string, unknown> & { event?: string; id?: string };

/** The CLI's environment: `XDG_CONFIG_HOME` is always a test's own folder. */
export type CliEnv = Record<string, string> & { XDG_CONFIG_HOME: string };

/** How a run ended. */
export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  lines: OutputLine[];
}

/** A running `node dist/main.mjs …`, its output collected as it comes. */
export interface CliRun {
  child: ChildProcess;
  stdout: string;
  stderr: string;
  /** stdout parsed line by line. */
  lines: OutputLine[];
  /** Lines of stdout that are not JSON (and an unfinished last line). */
  notJson: string[];
  /** The process ended: its exit code and everything it wrote. */
  exited: Promise<CliResult>;
  /** The process ended, having written NDJSON and nothing else on stdout (else this rejects). */
  finished(): Promise<CliResult>;
  /** Waits until a line matching `match` has been written, and returns it. */
  waitForLine(match: (line: OutputLine) => boolean, timeout?: number): Promise<OutputLine>;
}

/**
 * Starts the built CLI with `args`, with `env` over a clean environment: `XDG_CONFIG_HOME` must be given
 * (never the user's own config), and no `JOBSTREAM_*` variable leaks in from the test's environment.
 */
export function startCli(args: string[], env: CliEnv): CliRun {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run the package's build first (pnpm test does)`);
  const child = spawn(process.execPath, [CLI, ...args], {
    env: { PATH: process.env.PATH ?? '', HOME: env.XDG_CONFIG_HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const run: CliRun = {
    child,
    stdout: '',
    stderr: '',
    lines: [],
    notJson: [],
    exited: undefined as never,
    finished: async () => {
      const result = await run.exited;
      if (run.notJson.length > 0) throw new Error(`stdout is not NDJSON: ${run.notJson.join('\n')}\n${result.stderr}`);
      return result;
    },
    waitForLine: async (match, timeout = 30_000) => {
      await waitFor(
        () => {
          if (!run.lines.some(match)) throw new Error(`no such line yet; stdout: ${run.stdout}\nstderr: ${run.stderr}`);
        },
        { timeout, interval: 20 },
      );
      return run.lines.find(match) as OutputLine;
    },
  };
  let partial = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    run.stdout += chunk;
    partial += chunk;
    let newline = partial.indexOf('\n');
    while (newline !== -1) {
      const line = partial.slice(0, newline);
      partial = partial.slice(newline + 1);
      newline = partial.indexOf('\n');
      try {
        run.lines.push(JSON.parse(line) as OutputLine);
      } catch {
        run.notJson.push(line);
      }
    }
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    run.stderr += chunk;
  });
  run.exited = once(child, 'close').then(([code]) => {
    if (partial !== '') run.notJson.push(partial);
    return { code: code as number | null, stdout: run.stdout, stderr: run.stderr, lines: run.lines };
  });
  return run;
}

/** Runs the built CLI to its end, requiring NDJSON on stdout (see `startCli`). */
export function runCli(args: string[], env: CliEnv): Promise<CliResult> {
  return startCli(args, env).finished();
}

/** Runs the built CLI to its end, stdout taken as text (for `--help` and CSV). */
export function runCliText(args: string[], env: CliEnv): Promise<CliResult> {
  return startCli(args, env).exited;
}

/**
 * The sequence numbers of the event lines' ids (`<epoch>:<seq>`), in order; throws when the ids are not all of one
 * epoch, which every test here expects (the server never loses a job's history in them).
 */
export function eventSeqs(lines: readonly { id?: unknown }[]): number[] {
  const ids = lines.map((line) => line.id).filter((id): id is string => typeof id === 'string');
  const epochs = new Set(ids.map((id) => id.slice(0, id.indexOf(':'))));
  if (epochs.size > 1) throw new Error(`event ids of more than one epoch: ${[...epochs].join(', ')}`);
  return ids.map((id) => Number(id.slice(id.indexOf(':') + 1)));
}
