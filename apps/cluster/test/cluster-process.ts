import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const TSX = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** What the command printed about one process it runs. */
export interface Running {
  url: string;
  pid: number;
}

/** The command's summary, read from what it printed. */
export interface Summary {
  web: Running;
  proxy: string;
  instances: Map<number, Running>;
  postgres: { pid: number; folder: string };
  redis: { pid: number };
  folder: string;
}

/** `pnpm cluster`'s process (`src/main.ts`, as its `start` script runs it) with its stdout read line by line. */
export interface ClusterProcess extends AsyncDisposable {
  child: ChildProcess;
  /** Every stdout line so far. */
  lines: string[];
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves with the first line from index `from` on matching `pattern`, as soon as it is printed. */
  line(pattern: RegExp, from?: number): Promise<RegExpMatchArray>;
  /** Types a command, as a person would in the terminal. */
  type(command: string): void;
}

/** Starts the command with `env` on top of this process's environment. */
export function startClusterProcess(env: Record<string, string>): ClusterProcess {
  const child = spawn(process.execPath, ['--import', TSX, MAIN], {
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let pending = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    pending += chunk.toString();
    const parts = pending.split('\n');
    pending = parts.pop() ?? '';
    lines.push(...parts);
    for (const wake of waiters) wake();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let ended = false;
  void exited.then(() => {
    ended = true;
    for (const wake of waiters) wake();
  });

  const line = (pattern: RegExp, from = 0) =>
    new Promise<RegExpMatchArray>((resolve, reject) => {
      const look = () => {
        for (const text of lines.slice(from)) {
          const match = text.match(pattern);
          if (match) {
            waiters.delete(look);
            return resolve(match);
          }
        }
        if (ended) {
          waiters.delete(look);
          reject(new Error(`the command exited without printing ${pattern}:\n${lines.join('\n')}\n${stderr}`));
        }
      };
      waiters.add(look);
      look();
    });

  return {
    child,
    lines,
    stderr: () => stderr,
    exited,
    line,
    type: (command) => child.stdin?.write(`${command}\n`),
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** Reads the summary the command prints once everything runs. */
export async function readSummary(cluster: ClusterProcess): Promise<Summary> {
  await cluster.line(/^Open http/);
  const find = (pattern: RegExp) => {
    for (const text of cluster.lines) {
      const match = text.match(pattern);
      if (match) return match;
    }
    throw new Error(`no line matches ${pattern}:\n${cluster.lines.join('\n')}`);
  };
  const web = find(/^ {2}web app\s+(http:\S+)\s+pid (\d+)/);
  const instances = new Map<number, Running>();
  for (const text of cluster.lines) {
    const match = text.match(/^ {2}instance (\d+)\s+(http:\S+)\s+pid (\d+)/);
    if (match) instances.set(Number(match[1]), { url: match[2] as string, pid: Number(match[3]) });
  }
  const postgres = find(/^ {2}PostgreSQL\s+\S+\s+pid (\d+)\s+\(throwaway, data in (\S+)\)/);
  return {
    web: { url: web[1] as string, pid: Number(web[2]) },
    proxy: find(/^ {2}load balancer\s+(http:\S+)/)[1] as string,
    instances,
    postgres: { pid: Number(postgres[1]), folder: postgres[2] as string },
    redis: { pid: Number(find(/^ {2}Redis\s+\S+\s+pid (\d+)/)[1]) },
    folder: find(/^ {2}temporary\s+(\S+)/)[1] as string,
  };
}

/** True while a process with this id exists (a zombie counts: its parent has not reaped it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * After a failed test: SIGKILLs the processes the command said it started (and `more` of them), if they still run,
 * and removes its folders. Only these processes, by their ids.
 */
export function cleanUpAfter(summary: Summary | undefined, more: Iterable<number> = []): void {
  if (!summary) return;
  const { web, postgres, redis, instances } = summary;
  const pids = new Set([web.pid, postgres.pid, redis.pid, ...[...instances.values()].map((i) => i.pid), ...more]);
  for (const pid of pids) {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  }
  rmSync(summary.folder, { recursive: true, force: true });
  rmSync(summary.postgres.folder, { recursive: true, force: true });
}
