import { createLogger, loadConfig, startApiServer } from '@jobstream/server';

/** What the supervisor asks of the API process over its IPC channel, sent with an `id` its `done` report repeats. */
export type ApiChildRequest = { type: 'hold'; rows: number } | { type: 'held' } | { type: 'release' };

/** What the API process tells the supervisor. */
export type ApiChildReport = { type: 'listening' } | { type: 'done'; id: number };

/**
 * The API server as `apps/server/src/main.ts` runs it (config from the environment, graceful stop on SIGTERM), from
 * its build (`@jobstream/server` resolves to `dist/index.mjs` outside Vitest), forked by the e2e supervisor. Its one
 * addition is the `afterBatch` pacing option, driven over IPC: after `hold`, every import waits after the first batch
 * that brings it to `rows` committed rows, until `release` (a cancel or shutdown does not wait for it); `held`
 * answers once an import waits there. A test can so act on an import at a known point however fast or slow the
 * machine is.
 */
const config = loadConfig();
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
const server = await startApiServer({ config, logger });

let holdAt: number | undefined;
let release = () => {};
let released = Promise.resolve();
/** Imports waiting at the hold, and the `held` requests waiting for one to. */
let holding = 0;
let heldWaiters: Array<() => void> = [];

// Shutdown does not wait for a held import: it ends it as interrupted, at the hold.
server.services.imports.afterBatch = (_jobId, committed) => {
  if (holdAt === undefined || committed.processed < holdAt) return undefined;
  holding++;
  for (const waiter of heldWaiters.splice(0)) waiter();
  return released;
};

process.on('message', (request: ApiChildRequest & { id: number }) => {
  const reply = () => process.send?.({ type: 'done', id: request.id } satisfies ApiChildReport);
  if (request.type === 'held') {
    if (holding > 0) reply();
    else heldWaiters.push(reply);
    return;
  }
  // A new hold or a release ends the wait of `held` requests still open (their callers have given up).
  for (const waiter of heldWaiters) waiter();
  heldWaiters = [];
  release();
  holding = 0;
  holdAt = request.type === 'hold' ? request.rows : undefined;
  released = new Promise((resolve) => {
    release = resolve;
  });
  reply();
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    server.shutdown().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  });
}
process.send?.({ type: 'listening' } satisfies ApiChildReport);
