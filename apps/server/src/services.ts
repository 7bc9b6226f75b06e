import { join } from 'node:path';
import { type ApiServices, type AuthorizeJob, ownerOnly } from '@jobstream/api';
import {
  builtInTemplates,
  ImportReaper,
  ImportService,
  type ImportTemplate,
  TemplateRegistry,
} from '@jobstream/importer';
import type { Logger } from '@jobstream/logger';
import type { ProgressHub } from '@jobstream/progress';
import { openStore, type Store } from '@jobstream/storage';
import type { Cluster } from './cluster';
import type { Config } from './config';
import { type IdentifyCaller, sessionIdentity } from './http/identify';
import { RetentionSweeper } from './retention';
import { removeOrphanedUploads } from './uploads/spool-dir';

/** The process's services, plus what only the server itself needs. */
export interface ServerServices extends ApiServices {
  /** Where jobs, sessions and imported rows are kept: SQLite, or PostgreSQL when `DATABASE_URL` is set. */
  store: Store;
  /** Where uploads are spooled before they are imported. */
  spoolDir: string;
  /** Who is calling, for every HTTP request, upload and WebSocket connection. */
  identify: IdentifyCaller;
  close(): Promise<void>;
}

/**
 * Opens the store (rejecting with `StoreUnavailableError` when PostgreSQL cannot be reached) and wires the import
 * service to the emitter. Alone, the process fails the jobs a previous one left running; in a cluster, every
 * instance ends the imports whose instance stopped renewing their claim (`ImportReaper`).
 */
export async function createServices(options: {
  config: Config;
  hub: ProgressHub;
  logger: Logger;
  /** What instances share through Redis, when `REDIS_URL` is set. */
  cluster?: Cluster;
  authorize?: AuthorizeJob;
  identify?: IdentifyCaller;
  /** The templates uploads may name (default `builtInTemplates`); add one with `[...builtInTemplates, yours]`. */
  templates?: readonly ImportTemplate[];
}): Promise<ServerServices> {
  const { config, hub, logger, cluster } = options;
  const store = await openStore({
    databaseUrl: config.DATABASE_URL,
    databasePath: config.DATABASE_PATH,
    pool: { max: config.PG_POOL_MAX, maxWaiting: config.PG_POOL_MAX_WAITING, timeoutMs: config.PG_POOL_TIMEOUT_MS },
    onConnectionError: (error) => logger.warn({ err: error }, 'database connection lost'),
  });
  const { jobs, sessions } = store;
  const imports = new ImportService({
    store,
    emitter: hub.emitter,
    maxRunningPerOwner: config.MAX_RUNNING_IMPORTS,
    ...(cluster ? { coordinator: cluster.coordinator } : {}),
    limits: {
      maxRows: config.MAX_ROWS,
      maxColumns: config.MAX_COLUMNS,
      progressIntervalMs: config.PROGRESS_INTERVAL_MS,
      rowsPerSecond: config.IMPORT_ROWS_PER_SECOND,
    },
    onUnexpectedError: (jobId, error) => logger.error({ jobId, err: error }, 'import crashed'),
  });
  const reaper = cluster
    ? new ImportReaper({
        store,
        emitter: hub.emitter,
        coordinator: cluster.coordinator,
        runsHere: (jobId) => imports.isRunning(jobId),
        intervalMs: Math.ceil(config.IMPORT_LEASE_MS / 2),
        onError: (error) => logger.warn({ err: error }, 'could not look for imports whose instance stopped'),
        onReaped: (jobId) => logger.warn({ jobId }, 'ended an import whose instance stopped'),
      })
    : undefined;
  if (reaper) reaper.start();
  else {
    const interrupted = await imports.failInterrupted();
    if (interrupted > 0) logger.warn({ count: interrupted }, 'marked interrupted jobs as failed');
  }
  const spoolDir = join(config.DATA_DIR, 'spool');
  const orphans = removeOrphanedUploads(spoolDir);
  if (orphans > 0) logger.warn({ count: orphans }, 'deleted uploads a previous process left spooled');
  const retention =
    config.JOB_RETENTION_DAYS > 0
      ? new RetentionSweeper({
          store,
          imports,
          spoolDir,
          maxAgeMs: config.JOB_RETENTION_DAYS * 24 * 60 * 60_000,
          intervalMs: config.RETENTION_SWEEP_MS,
          logger,
        })
      : undefined;
  retention?.start();
  return {
    store,
    jobs,
    imports,
    log: hub.log,
    delivery: hub.delivery,
    sessions,
    identify: options.identify ?? sessionIdentity(sessions),
    templates: new TemplateRegistry(options.templates ?? builtInTemplates),
    authorize: options.authorize ?? ownerOnly,
    uploadLimits: { maxUploadBytes: config.MAX_UPLOAD_BYTES, maxRows: config.MAX_ROWS },
    spoolDir,
    async close() {
      await retention?.close();
      await reaper?.close();
      await imports.close();
      await store[Symbol.asyncDispose]();
    },
  };
}
