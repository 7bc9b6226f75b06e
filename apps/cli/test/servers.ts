import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type ApiServer, ConfigSchema, startApiServer } from '@jobstream/server';

/** A fresh temporary folder, removed on dispose. */
export async function tempDir(): Promise<AsyncDisposable & { path: string }> {
  const path = await mkdtemp(join(tmpdir(), 'jobstream-cli-'));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

/** Limits raised so that the tests' many short CLI runs from one address are never refused. */
const ROOMY = { MAX_SESSIONS_PER_MINUTE: '1000', MAX_HTTP_REQUESTS_PER_SECOND: '10000' };

/** The real API server in this process on a free port, with its own SQLite file, quiet. */
export async function startServer(env: Record<string, string> = {}): Promise<ApiServer & AsyncDisposable> {
  const dir = await tempDir();
  const config = ConfigSchema.parse({ PORT: '0', LOG_LEVEL: 'silent', DATA_DIR: dir.path, ...ROOMY, ...env });
  const server = await startApiServer({ config });
  const dispose = async () => {
    await server.shutdown();
    await dir[Symbol.asyncDispose]();
  };
  return { ...server, shutdown: dispose, [Symbol.asyncDispose]: dispose };
}

/** Holds every import of `server` after its first committed batch until `release()`. */
export function holdImports(server: ApiServer): { release(): void } {
  let release = () => {};
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const held = new Set<string>();
  server.services.imports.afterBatch = (jobId) => {
    if (held.has(jobId)) return;
    held.add(jobId);
    return released;
  };
  return { release };
}

/** A users CSV of `rows` data rows, every `invalidEvery`-th one with a bad email (none if 0). */
export function usersCsv(rows: number, invalidEvery = 0): string {
  const lines = ['email,name,role'];
  for (let i = 1; i <= rows; i++) {
    const bad = invalidEvery > 0 && i % invalidEvery === 0;
    lines.push(`${bad ? 'not-an-email' : `user${i}@example.com`},User ${i},member`);
  }
  return `${lines.join('\n')}\n`;
}

/** Writes `content` to `name` in `dir` and returns its path. */
export async function writeCsv(dir: string, name: string, content: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, content);
  return path;
}

/** A loopback port nothing listens on (it was free a moment ago). */
export async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  await once(probe, 'close');
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

const SERVER_MAIN = fileURLToPath(new URL('./main.ts', import.meta.resolve('@jobstream/server')));

/** The real server as its own process (`node --import tsx src/main.ts`), to be killed and started again. */
export interface ServerProcess extends AsyncDisposable {
  child: ChildProcess;
  url: string;
  /** Kills it with SIGKILL, as a crash would, and waits until it is gone. */
  kill(): Promise<void>;
}

/** Starts the server process on `port` with its data in `dataDir`, and waits until it listens. */
export async function startServerProcess(port: number, dataDir: string): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', SERVER_MAIN], {
    cwd: dirname(dirname(SERVER_MAIN)),
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', ...ROOMY },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = once(child, 'exit');
  let log = '';
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      log += chunk;
      for (const line of log.split('\n')) {
        const entry = line.startsWith('{') ? (JSON.parse(line) as { msg?: string; url?: string }) : undefined;
        if (entry?.msg === 'listening' && entry.url) resolve(entry.url);
      }
    });
    exited.then(() => reject(new Error(`the server exited before listening: ${log}`)));
  });
  const kill = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGKILL');
    await exited;
  };
  return { child, url: await listening, kill, [Symbol.asyncDispose]: kill };
}
