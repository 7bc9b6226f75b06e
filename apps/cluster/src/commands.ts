import type { ApiInstance } from './api-instance';

/** What the terminal's commands act on. */
export interface CommandTarget {
  instances: readonly ApiInstance[];
  /** What runs where, a line each. */
  describe(): string[];
}

/** The commands, for `help` and the start-up message. */
export const COMMANDS_HELP = [
  'kill <n>   SIGKILL instance n (a crash: its imports end failed once their lease lapses)',
  'stop <n>   SIGTERM instance n (a graceful shutdown: its clients are told to reconnect)',
  'start <n>  start instance n again, on its port and DATA_DIR',
  'status     what runs where',
  'help       this list; Ctrl-C stops everything and removes the temporary folders',
];

/** Runs one line typed in the terminal; resolves with what to print. */
export async function runCommand(target: CommandTarget, line: string): Promise<string[]> {
  const [name = '', argument, ...rest] = line.trim().split(/\s+/);
  if (name === '') return [];
  if (name === 'help' || name === '?') return COMMANDS_HELP;
  if (name === 'status') return target.describe();
  if (!['kill', 'stop', 'start'].includes(name)) return [`unknown command "${name}"; try help`];
  const instance = target.instances.find((candidate) => String(candidate.n) === argument);
  if (!instance || rest.length > 0) {
    return [`usage: ${name} <n>, n from 1 to ${target.instances.length}`];
  }
  if (name === 'start') {
    if (instance.running) return [`instance ${instance.n} is running (pid ${instance.pid})`];
    await instance.start();
    return [`instance ${instance.n} ready at ${instance.url}, pid ${instance.pid}`];
  }
  if (!instance.running) return [`instance ${instance.n} is not running; \`start ${instance.n}\` starts it`];
  // Its exit is announced by the cluster, however it comes.
  await instance.signal(name === 'kill' ? 'SIGKILL' : 'SIGTERM');
  return [];
}
