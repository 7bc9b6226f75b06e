import type { AppRouter } from '@jobstream/api';
import { createJobstreamHttpClient } from '@jobstream/client';
import type { TRPCClient } from '@trpc/client';
import pc from 'picocolors';
import { NdjsonOutput } from './output/ndjson-output';
import type { CommandHints, Output } from './output/output';
import { TerminalOutput } from './output/terminal-output';
import { DEFAULT_SERVER_URL, type ServerAddress, serverAddress } from './server-address';
import { resolveSession } from './session';
import { TokenStore } from './token-store';

/** The process's streams and environment, as the command uses them. */
export interface CliIo {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

/** The options every command takes. */
export interface GlobalOptions {
  url: string;
  token?: string;
  json?: boolean;
}

/** What a command works with: the server, the output, and the session once it needs one. */
export interface CliContext {
  server: ServerAddress;
  output: Output;
  hints: CommandHints;
  /** The session token: `--token`/`JOBSTREAM_TOKEN`, else the one saved for this server, else a new one (then saved). */
  session(): Promise<string>;
  /** A tRPC client over HTTP, as `token`'s session when given. */
  http(token?: string): TRPCClient<AppRouter>;
}

/** Colours only on a terminal, and never when `NO_COLOR` is set (https://no-color.org). */
function colorsFor(io: CliIo) {
  return pc.createColors(io.stdout.isTTY === true && !io.env.NO_COLOR);
}

function hintsFor(server: ServerAddress): CommandHints {
  const prefix = server.base === DEFAULT_SERVER_URL ? 'jobstream' : `jobstream --url ${server.base}`;
  return {
    watch: (jobId) => `${prefix} watch ${jobId}`,
    errors: (jobId) => `${prefix} errors ${jobId} -o errors-${jobId.slice(0, 8)}.csv`,
  };
}

/** The context of one command run; NDJSON output unless stdout is a terminal and `--json` is not given. */
export function createContext(options: GlobalOptions, io: CliIo): CliContext {
  const server = serverAddress(options.url);
  const hints = hintsFor(server);
  const output: Output =
    options.json || !io.stdout.isTTY
      ? new NdjsonOutput(io.stdout, io.stderr, hints)
      : new TerminalOutput(io.stdout, io.stderr, colorsFor(io), hints);
  let session: Promise<string> | undefined;
  return {
    server,
    output,
    hints,
    session: () => {
      session ??= resolveSession({
        server,
        token: options.token,
        store: TokenStore.forEnv(io.env),
        note: (message) => output.note(message),
      });
      return session;
    },
    http: (token) => createJobstreamHttpClient({ httpUrl: server.httpUrl, ...(token ? { token } : {}) }),
  };
}
