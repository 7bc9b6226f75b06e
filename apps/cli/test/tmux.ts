import { execFile, execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { waitFor } from '@jobstream/testing';

const run = promisify(execFile);

/** Fails with what to do when tmux is missing (`pnpm test` installs it). */
export function requireTmux(): void {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'ignore' });
  } catch {
    throw new Error('tmux is not installed: run `pnpm run ensure-tmux` (pnpm test does it) or apt-get install tmux');
  }
}

/** A command running in a real pseudo-terminal: a detached tmux session on a tmux server of its own. */
export interface TerminalSession extends AsyncDisposable {
  /**
   * Everything the command wrote that is still on the screen or scrolled above it, as a person sees it; with
   * `escapes`, with its colours and attributes as escape sequences. Blank lines at the end and the line tmux adds
   * when the command exits ("Pane is dead", which scrolls the screen up by one) are left out.
   */
  screen(escapes?: boolean): Promise<string>;
  /** Waits until the screen's text passes `check` (which throws until then), and returns it. */
  waitForScreen(check: (screen: string) => void, timeout?: number): Promise<string>;
  /** Waits until the command has exited, and returns its exit status. */
  exitStatus(timeout?: number): Promise<number>;
}

/**
 * Runs `command` (argv) in a `columns` x `rows` terminal with `env` added, its pane kept after it exits so that
 * the last screen and the exit status can be read. The tmux server is the session's own, its socket in `dir`;
 * it is killed on dispose.
 */
export async function startInTerminal(
  command: string[],
  env: Record<string, string>,
  dir: string,
  { columns = 120, rows = 24 } = {},
): Promise<TerminalSession> {
  const socket = join(dir, 'tmux.sock');
  const config = join(dir, 'tmux.conf');
  await writeFile(config, 'set -g remain-on-exit on\nset -g status off\n');
  const tmux = (args: string[]) =>
    run('tmux', ['-S', socket, ...args], { env: { ...process.env, TERM: 'xterm-256color' } });
  const envArgs = Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  await tmux([
    '-f',
    config,
    'new-session',
    '-d',
    '-s',
    'cli',
    '-x',
    String(columns),
    '-y',
    String(rows),
    ...envArgs,
    ...command,
  ]);

  const screen = async (escapes = false) => {
    const { stdout } = await tmux(['capture-pane', '-p', '-S', '-', ...(escapes ? ['-e'] : []), '-t', 'cli']);
    const lines = stdout.split('\n').filter((line) => !line.includes('Pane is dead ('));
    return lines.join('\n').trimEnd();
  };
  const paneField = async (field: string) =>
    (await tmux(['display-message', '-p', '-t', 'cli', `#{${field}}`])).stdout.trim();
  return {
    screen,
    waitForScreen: async (check, timeout = 30_000) => {
      let last = '';
      await waitFor(
        async () => {
          last = await screen();
          check(last);
        },
        { timeout, interval: 50 },
      );
      return last;
    },
    exitStatus: async (timeout = 30_000) => {
      await waitFor(
        async () => {
          if ((await paneField('pane_dead')) !== '1') throw new Error(`still running:\n${await screen()}`);
        },
        { timeout, interval: 50 },
      );
      return Number(await paneField('pane_dead_status'));
    },
    [Symbol.asyncDispose]: async () => {
      await tmux(['kill-server']).catch(() => {});
    },
  };
}
