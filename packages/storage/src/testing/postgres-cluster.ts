import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/** A throwaway PostgreSQL server for tests: its own data folder, a free loopback port, gone after `stop`. */
export interface PostgresCluster {
  /** `postgres://postgres@127.0.0.1:<port>/jobstream`. */
  url: string;
  /** Its temporary folder (data and socket), removed by `stop`. */
  readonly folder: string;
  /** The server process, to kill or restart in fault tests. */
  readonly process: ChildProcess;
  /** Stops the server (fast shutdown) and waits for it; the data folder stays, for `start` again. */
  halt(): Promise<void>;
  /** Starts the server again on the same folder and port, after `halt`. */
  start(): Promise<void>;
  /** Stops the server and removes its folder. */
  stop(): Promise<void>;
}

/** PostgreSQL's programs: `POSTGRES_BIN`, else the newest `/usr/lib/postgresql/<version>/bin` (Debian's layout). */
function binDir(): string {
  if (process.env.POSTGRES_BIN) return process.env.POSTGRES_BIN;
  const root = '/usr/lib/postgresql';
  const versions = existsSync(root) ? readdirSync(root).filter((name) => /^\d+$/.test(name)) : [];
  const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
  if (!newest) throw new Error('PostgreSQL is not installed: apt-get install -y postgresql (or set POSTGRES_BIN)');
  return join(root, newest, 'bin');
}

/**
 * The user PostgreSQL's programs run as: the `postgres` user Debian's package creates when this process is root
 * (the server refuses to run as root), else this process's own. The programs are spawned as that user directly,
 * so signals reach the server itself.
 */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres']).toString().trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const address = probe.address();
  probe.close();
  if (!address || typeof address === 'string') throw new Error('no free port');
  return address.port;
}

/** How long a starting server may take to accept connections: a bound on a hang, long because the machine may be busy. */
const START_TIMEOUT_MS = 30_000;

async function waitUntilReady(url: string, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`PostgreSQL exited (${server.exitCode}): ${log()}`);
    const client = new pg.Client({ connectionString: url.replace(/\/jobstream$/, '/postgres') });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => {});
      if (Date.now() > deadline) throw new Error(`PostgreSQL did not start: ${String(error)}: ${log()}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

/**
 * Starts a throwaway PostgreSQL cluster (initdb in a temporary folder, no fsync) on a free port and creates the
 * database `jobstream`. As root it runs the server as the `postgres` user, which Debian's package creates.
 */
export async function startPostgresCluster(): Promise<PostgresCluster> {
  const bin = binDir();
  const dir = mkdtempSync(join(tmpdir(), 'jobstream-pg-'));
  chmodSync(dir, 0o777);
  const data = join(dir, 'data');
  const user = runAs();
  const initdb = ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync'];
  try {
    execFileSync(join(bin, 'initdb'), initdb, { stdio: 'ignore', ...user });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  const port = await freePort();
  const url = `postgres://postgres@127.0.0.1:${port}/jobstream`;
  let output = '';
  let server: ChildProcess | undefined;
  const launch = async () => {
    const args = [
      '-D',
      data,
      '-p',
      String(port),
      '-k',
      dir,
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'fsync=off',
      '-c',
      'synchronous_commit=off',
      '-c',
      'full_page_writes=off',
      '-c',
      'max_connections=300',
    ];
    server = spawn(join(bin, 'postgres'), args, { stdio: ['ignore', 'ignore', 'pipe'], ...user });
    // A program that cannot be run ends the process with a negative exit code, which `waitUntilReady` reports;
    // without a listener its 'error' would end this process instead.
    server.once('error', (error) => {
      output = output ? `${error.message}\n${output}` : error.message;
    });
    server.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    });
    await waitUntilReady(url, server, () => output);
  };
  const halt = async () => {
    if (!server || server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill('SIGINT');
    await exited;
  };
  try {
    await launch();
    const admin = new pg.Client({ connectionString: url.replace(/\/jobstream$/, '/postgres') });
    await admin.connect();
    await admin.query('CREATE DATABASE jobstream');
    await admin.end();
  } catch (error) {
    // A server that did not come up is stopped, and nothing is left behind.
    server?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    url,
    folder: dir,
    get process() {
      return server as ChildProcess;
    },
    halt,
    start: launch,
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * A fresh schema in the cluster's database, for one test's store: its URL sets `search_path` to the schema, so
 * every table the store creates lands there. `drop` removes the schema and everything in it.
 */
export async function createSchema(clusterUrl: string): Promise<{ url: string; drop(): Promise<void> }> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const client = new pg.Client({ connectionString: clusterUrl });
  await client.connect();
  await client.query(`CREATE SCHEMA ${schema}`);
  await client.end();
  const url = `${clusterUrl}?options=${encodeURIComponent(`-c search_path=${schema}`)}`;
  return {
    url,
    async drop() {
      const dropper = new pg.Client({ connectionString: clusterUrl });
      await dropper.connect();
      await dropper.query(`DROP SCHEMA ${schema} CASCADE`);
      await dropper.end();
    },
  };
}
