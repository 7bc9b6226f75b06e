import { type ChildProcess, fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

/** Options of a TypeScript child process. */
export interface ForkTsOptions {
  /** Arguments after the script path. */
  args?: string[];
  /** Run with --expose-gc so the child can collect before measuring memory. */
  exposeGc?: boolean;
  /** Write a V8 CPU profile (.cpuprofile) of the child into this folder when it exits. */
  cpuProfileDir?: string;
}

/** Forks a TypeScript entry file with tsx's loader and an IPC channel; stdout and stderr are the parent's. */
export function forkTs(entry: URL, options: ForkTsOptions = {}): ChildProcess {
  const execArgv = [
    '--import',
    tsxLoader,
    ...(options.exposeGc ? ['--expose-gc'] : []),
    ...(options.cpuProfileDir ? ['--cpu-prof', `--cpu-prof-dir=${options.cpuProfileDir}`] : []),
  ];
  return fork(fileURLToPath(entry), options.args ?? [], { execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}
