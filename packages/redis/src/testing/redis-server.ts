import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createConnection, createServer } from 'node:net';

/** A throwaway `redis-server` for tests: no persistence, a free loopback port, gone after `stop`. */
export interface RedisServer extends AsyncDisposable {
  /** `redis://127.0.0.1:<port>`. */
  url: string;
  port: number;
  /** The server process now, to kill in fault tests. */
  readonly process: ChildProcess;
  /** Kills the server (SIGKILL: everything it held is lost) and starts an empty one on the same port. */
  restart(): Promise<void>;
  /** Stops the server (it may be started again with `start`). */
  halt(): Promise<void>;
  /** Starts the server again, empty, on the same port, after `halt`. */
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

/** Resolves once the server answers `PING` with `PONG` (the inline protocol, no client library needed). */
async function waitForPong(port: number, server: ChildProcess, log: () => string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
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
    if (attempt > 200) throw new Error(`redis-server did not answer on port ${port}: ${log()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Starts `redis-server` on a free loopback port, with no persistence (`--save '' --appendonly no`). */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  let server: ChildProcess;
  let output = '';
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    server = spawn(program(), args, { stdio: ['ignore', 'pipe', 'pipe'] });
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
    stop: () => kill('SIGTERM'),
    [Symbol.asyncDispose]: () => kill('SIGTERM'),
  };
}
