import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** How a child process ended. */
export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A child process whose output lines are shown with its name in front. */
export interface Child {
  readonly process: ChildProcess;
  readonly pid: number;
  /** Resolves once the process has exited (and Node has reaped it). */
  readonly exited: Promise<ExitStatus>;
  /** True until it has exited. */
  readonly running: boolean;
  /** Its last output lines, for a message saying why it did not start. */
  tail(): string;
}

/** Output lines kept per child for `tail`. */
const TAIL_LINES = 20;

/**
 * Starts `node <script>` with `env`, no stdin (the terminal's input is the cluster command's), each line it writes
 * passed to `print` as `[name] line`.
 */
export function spawnNode(options: {
  name: string;
  script: string;
  env: Record<string, string | undefined>;
  print: (line: string) => void;
}): Child {
  const { name, print } = options;
  const child = spawn(process.execPath, [options.script], { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', (line) => {
      lines.push(line);
      if (lines.length > TAIL_LINES) lines.shift();
      print(`[${name}] ${line}`);
    });
  }
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => resolve({ code, signal }));
    // A process that could not be spawned never exits: its error ends the wait.
    child.once('error', (error) => {
      lines.push(error.message);
      if (child.pid === undefined) resolve({ code: child.exitCode, signal: null });
    });
  });
  return {
    process: child,
    pid: child.pid ?? -1,
    exited,
    get running() {
      return child.exitCode === null && child.signalCode === null;
    },
    tail: () => lines.join('\n'),
  };
}

/** Sends `signal` (default SIGTERM), then SIGKILL after `graceMs`; resolves once the process has exited. */
export async function stopChild(child: Child, graceMs: number, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child.running) {
    await child.exited;
    return;
  }
  child.process.kill(signal);
  const timer = setTimeout(() => child.process.kill('SIGKILL'), graceMs);
  await child.exited;
  clearTimeout(timer);
}

/** `SIGKILL` or `code 1`, for messages. */
export function describeExit(status: ExitStatus): string {
  return status.signal ?? `code ${status.code}`;
}
