import { createInterface } from 'node:readline';
import { type ClusterConfig, loadClusterConfig } from './cluster-config';
import { COMMANDS_HELP, runCommand } from './commands';
import { type LocalCluster, startLocalCluster } from './local-cluster';

/** Signals that stop the cluster: Ctrl-C, `kill`, the terminal closing. */
const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** Longest wait for everything to stop before the command exits anyway (each child is killed after its grace). */
const STOP_TIMEOUT_MS = 30_000;

const print = (line: string) => process.stdout.write(`${line}\n`);

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** One line saying why, then exit code 1. */
function cannotStart(error: unknown): never {
  process.stderr.write(`cannot start: ${messageOf(error)}\n`);
  process.exit(1);
}

/** Ends the process as `signal` would have, once the handlers that kept it alive are gone. */
function exitBy(signal: NodeJS.Signals): never {
  process.removeAllListeners(signal);
  process.kill(process.pid, signal);
  // The signal is delivered asynchronously; nothing else is left to run meanwhile.
  return process.exit(1);
}

let config: ClusterConfig;
try {
  config = loadClusterConfig(process.env);
} catch (error) {
  cannotStart(error);
}

// From here every stop signal stops everything; the ones that come while stopping (launchers such as pnpm relay a
// Ctrl-C again) are ignored, since ending then would leave processes and folders behind.
const aborting = new AbortController();
const stopRequested = new Promise<NodeJS.Signals>((resolve) => {
  for (const signal of STOP_SIGNALS) {
    process.on(signal, () => {
      aborting.abort();
      resolve(signal);
    });
  }
});

print(`Starting PostgreSQL, Redis, ${config.instances} API instances, a load balancer and the web app…`);
let cluster: LocalCluster;
try {
  cluster = await startLocalCluster(config, { env: process.env, print, signal: aborting.signal });
} catch (error) {
  if (aborting.signal.aborted) exitBy(await stopRequested);
  cannotStart(error);
}

/** Stops everything (bounded), says so, and ends the process with `exit`. */
async function stopAndExit(reason: string, exit: () => never): Promise<never> {
  print(`${reason}: stopping everything…`);
  const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, 'timeout').unref());
  const outcome = await Promise.race([cluster.stop().then(() => 'stopped' as const), timeout]);
  if (outcome === 'timeout')
    print(`not everything stopped within ${STOP_TIMEOUT_MS / 1000} s; left: ${cluster.folder}`);
  else print('Stopped; temporary folders removed.');
  return exit();
}

process.on('uncaughtException', (error) => {
  void stopAndExit(`unexpected error (${messageOf(error)})`, () => process.exit(1));
});

print('jobstream cluster is running, everything on 127.0.0.1:');
for (const line of cluster.describe()) print(line);
print(`Open ${cluster.web.url}. Type a command and Enter:`);
for (const line of COMMANDS_HELP) print(`  ${line}`);

// Commands run one at a time, in the order typed.
let queue = Promise.resolve();
const terminal = createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY });
terminal.on('line', (line) => {
  queue = queue
    .then(() => runCommand(cluster, line))
    .then(
      (lines) => {
        for (const out of lines) print(out);
      },
      (error: unknown) => {
        print(`failed: ${messageOf(error)}`);
      },
    );
});

const signal = await stopRequested;
terminal.close();
await stopAndExit(signal, () => exitBy(signal));
