import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { CliError, ExitCode } from './exit-codes';

interface StoredSessions {
  /** Session token by server base URL. */
  sessions: Record<string, string>;
}

function isStoredSessions(value: unknown): value is StoredSessions {
  if (typeof value !== 'object' || value === null || !('sessions' in value)) return false;
  const { sessions } = value;
  return (
    typeof sessions === 'object' &&
    sessions !== null &&
    Object.values(sessions).every((token) => typeof token === 'string')
  );
}

/**
 * The session tokens the CLI created, one per server, in `$XDG_CONFIG_HOME/jobstream/sessions.json` (default
 * `~/.config/jobstream/sessions.json`). The file is written whole with mode 0600 (its folder 0700), then renamed
 * into place, so it is never readable by others nor left half-written.
 */
export class TokenStore {
  constructor(readonly file: string) {}

  /** The store at the XDG config location for `env` (a relative `XDG_CONFIG_HOME` is ignored, as the spec says). */
  static forEnv(env: NodeJS.ProcessEnv): TokenStore {
    const configHome = env.XDG_CONFIG_HOME;
    const base = configHome && isAbsolute(configHome) ? configHome : join(homedir(), '.config');
    return new TokenStore(join(base, 'jobstream', 'sessions.json'));
  }

  /** The token saved for `server`, if any. */
  async get(server: string): Promise<string | undefined> {
    return (await this.read()).sessions[server];
  }

  /** Saves `token` as the session for `server`. */
  async set(server: string, token: string): Promise<void> {
    const stored = await this.read();
    stored.sessions[server] = token;
    await mkdir(dirname(this.file), { recursive: true, mode: 0o700 });
    const temporary = `${this.file}.${process.pid}.tmp`;
    await rm(temporary, { force: true });
    await writeFile(temporary, `${JSON.stringify(stored, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
    await rename(temporary, this.file);
  }

  private async read(): Promise<StoredSessions> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { sessions: {} };
      throw error;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    if (!isStoredSessions(parsed)) {
      throw new CliError(
        ExitCode.FAILED,
        `The saved sessions file ${this.file} is not valid`,
        'Delete it to start over',
      );
    }
    return parsed;
  }
}
