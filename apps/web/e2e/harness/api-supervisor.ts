import { type ChildProcess, fork } from 'node:child_process';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { ApiChildReport, ApiChildRequest } from './api-child';

/**
 * Runs the e2e API server as a child process (`api-child.ts`, in the environment Playwright gives this process) and
 * lets tests stop it, start it again and pace its imports, over HTTP on 127.0.0.1:E2E_CONTROL_PORT:
 * `POST /stop` (SIGTERM, answered once it has exited), `POST /start` (answered once it listens), `POST /hold?rows=N`,
 * `POST /held` (answered once an import waits at the hold) and `POST /release`. Stopping this process stops the child.
 */
const CHILD = fileURLToPath(new URL('./api-child.ts', import.meta.url));
const controlPort = Number(process.env.E2E_CONTROL_PORT);

let child: ChildProcess | undefined;

function running(): ChildProcess | undefined {
  return child && child.exitCode === null && child.signalCode === null ? child : undefined;
}

/** Resolves when `process` sends a report matching `wanted`; rejects if it exits first. */
function reportOf(process: ChildProcess, wanted: (report: ApiChildReport) => boolean, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (report: ApiChildReport) => {
      if (!wanted(report)) return;
      process.off('exit', onExit);
      process.off('message', onMessage);
      resolve();
    };
    const onExit = (code: number | null) => {
      process.off('message', onMessage);
      reject(new Error(`the API process exited (${code}) before ${what}`));
    };
    process.on('message', onMessage);
    process.once('exit', onExit);
  });
}

async function start(): Promise<void> {
  if (running()) return;
  child = fork(CHILD, [], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  await reportOf(child, (report) => report.type === 'listening', 'listening');
}

async function stop(): Promise<void> {
  const current = running();
  if (!current) return;
  const exited = once(current, 'exit');
  current.kill('SIGTERM');
  await exited;
}

let requests = 0;

/** Sends the API process a request and resolves once it is done. */
async function ask(request: ApiChildRequest): Promise<void> {
  const current = running();
  if (!current) throw new Error('the API process is not running');
  const id = ++requests;
  const done = reportOf(current, (report) => report.type === 'done' && report.id === id, `answering ${request.type}`);
  current.send({ ...request, id });
  await done;
}

const ACTIONS: Record<string, (url: URL) => Promise<void>> = {
  '/stop': stop,
  '/start': start,
  '/hold': (url) => ask({ type: 'hold', rows: Number(url.searchParams.get('rows')) }),
  '/held': () => ask({ type: 'held' }),
  '/release': () => ask({ type: 'release' }),
};

async function control(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  const action = ACTIONS[url.pathname];
  if (req.method !== 'POST' || !action) {
    res.writeHead(404).end();
    return;
  }
  try {
    await action(url);
    res.writeHead(204).end();
  } catch (error) {
    res.writeHead(500, { 'content-type': 'text/plain' }).end(String(error));
  }
}

const controlServer = createServer((req, res) => void control(req, res));
controlServer.listen(controlPort, '127.0.0.1');
await once(controlServer, 'listening');
await start();

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    controlServer.close();
    stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
