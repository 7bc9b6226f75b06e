import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A throwaway `redis-server` for tests: no persistence, a free loopback port, gone after `stop`. */
export interface RedisServer extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The server process now, to kill in fault tests. */
  readonly process: ChildProcess;
  /** Kills the server (SIGKILL: what it held is lost unless `persistent`) and starts it again on the same port. */
  restart(): Promise<void>;
  /** Stops the server (it may be started again with `start`). */
  halt(): Promise<void>;
  /** Starts the server again on the same port (empty unless `persistent`), after `halt`. */
  start(): Promise<void>;
  /** Stops the server for good. */
  stop(): Promise<void>;
}

/** `redis-server`: `REDIS_SERVER` names the program, else it is looked up on PATH (Debian's `redis-server` package). */
function program(): string {
  return process.env.REDIS_SERVER ?? 'redis-server';
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

/** How long a starting server may take to answer: a bound on a hang, long because the machine may be busy. */
const START_TIMEOUT_MS = 30_000;

/** Resolves once the server answers `PING` with `PONG` (the inline protocol, no client library needed). */
async function waitForPong(port: number, server: ChildProcess, log: () => string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (server.exitCode !== null) throw new Error(`redis-server exited (${server.exitCode}): ${log()}`);
    const answer = await new Promise<string>((resolve) => {
      const socket = createConnection({ port, host: '127.0.0.1' });
      let data = '';
      socket.on('connect', () => socket.write('PING\r\n'));
      socket.on('data', (chunk) => {
        data += chunk.toString();
        if (data.includes('\r\n')) socket.end();
      });
      socket.on('close', () => resolve(data));
      socket.on('error', () => resolve(''));
    });
    if (answer.startsWith('+PONG')) return;
    if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Options of a test Redis. */
export interface RedisServerOptions {
  /** Keep data across `halt`/`start` (an append-only file synced on every write, in a temp folder); default: none. */
  persistent?: boolean;
}

/**
 * Starts `redis-server` on a free loopback port, with no persistence (`--save '' --appendonly no`) unless
 * `persistent` (then `restart`, a SIGKILL, keeps the data too).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const port = await freePort();
  const dir = options.persistent ? mkdtempSync(join(tmpdir(), 'jobstream-redis-')) : undefined;
  const persistence = dir
    ? ['--dir', dir, '--appendonly', 'yes', '--appendfsync', 'always', '--save', '']
    : ['--save', '', '--appendonly', 'no'];
  let server: ChildProcess;
  let output = '';
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', ...persistence];
    server = spawn(program(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // A program that cannot be run (not installed) ends the process with a negative exit code, which
    // `waitForPong` reports; without a listener its 'error' would end this process instead.
    server.once('error', (error) => {
      output = output ? `${error.message}\n${output}` : error.message;
    });
    const keep = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4000);
    };
    server.stdout?.on('data', keep);
    server.stderr?.on('data', keep);
    await waitForPong(port, server, () => output);
  };
  const kill = async (signal: NodeJS.Signals) => {
    if (server.exitCode !== null || server.signalCode !== null) return;
    const exited = once(server, 'exit');
    server.kill(signal);
    await exited;
  };
  const stop = async () => {
    await kill('SIGTERM');
    if (dir) rmSync(dir, { recursive: true, force: true });
  };
  await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    get process() {
      return server;
    },
    async restart() {
      await kill('SIGKILL');
      await launch();
    },
    halt: () => kill('SIGTERM'),
    start: launch,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
