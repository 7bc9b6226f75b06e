import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, httpLink, type TRPCClient } from '@trpc/client';
import superjson from 'superjson';

const SERVER_DIR = fileURLToPath(new URL('..', import.meta.url));
/** The built server, as `pnpm start` runs it (turbo builds it before this package's tests). */
export const MAIN = fileURLToPath(new URL('../dist/main.mjs', import.meta.url));

/** A free loopback port, for a server process that must come back on the same address. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** One JSON log line of the server. */
export interface LogLine {
  level: string;
  msg: string;
  [field: string]: unknown;
}

/** The real server (`node dist/main.mjs`) as a child process, its JSON log lines collected from stderr. */
export interface LoggedProcess extends AsyncDisposable {
  child: ChildProcess;
  url: string;
  logs: LogLine[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts the server process with `env` and waits until it listens; disposing kills it if it still runs. */
export async function startLoggedProcess(env: Record<string, string>): Promise<LoggedProcess> {
  if (!existsSync(MAIN))
    throw new Error('No build in apps/server/dist: run `pnpm --filter @jobstream/server build` first.');
  const child = spawn(process.execPath, [MAIN], {
    cwd: SERVER_DIR,
    env: { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const logs: LogLine[] = [];
  const exited = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  let buffer = '';
  let stderr = '';
  const url = new Promise<string>((resolve, reject) => {
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      buffer += chunk.toString();
      let newline = buffer.indexOf('\n');
      while (newline !== -1) {
        const line = buffer.slice(0, newline);
        buffer = buffer.slice(newline + 1);
        newline = buffer.indexOf('\n');
        if (!line.startsWith('{')) continue;
        const entry = JSON.parse(line) as LogLine;
        logs.push(entry);
        if (entry.msg === 'listening') resolve(entry.url as string);
      }
    });
    exited.then(({ code, signal }) =>
      reject(new Error(`server exited (${code ?? signal}) before listening: ${stderr}`)),
    );
  });
  return {
    child,
    url: await url,
    logs,
    exited,
    async [Symbol.asyncDispose]() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** A tRPC client over plain HTTP, with a bearer token if given. */
export function httpClient(url: string, token?: string): TRPCClient<AppRouter> {
  const headers: Record<string, string> = token ? { authorization: `Bearer ${token}` } : {};
  return createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson, headers })] });
}
