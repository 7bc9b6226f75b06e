import { join } from 'node:path';
import { type ApiServices, type AuthorizeJob, ownerOnly } from '@jobstream/api';
import { builtInTemplates, ImportService, type ImportTemplate, TemplateRegistry } from '@jobstream/importer';
import type { Logger } from '@jobstream/logger';
import type { ProgressHub } from '@jobstream/progress';
import { openStore, type Store } from '@jobstream/storage';
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
 * Opens the store (rejecting with `StoreUnavailableError` when PostgreSQL cannot be reached), fails jobs a
 * previous process left running, and wires the import service to the emitter.
 */
export async function createServices(options: {
  config: Config;
  hub: ProgressHub;
  logger: Logger;
  authorize?: AuthorizeJob;
  identify?: IdentifyCaller;
  /** The templates uploads may name (default `builtInTemplates`); add one with `[...builtInTemplates, yours]`. */
  templates?: readonly ImportTemplate[];
}): Promise<ServerServices> {
  const { config, hub, logger } = options;
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
    limits: {
      maxRows: config.MAX_ROWS,
      maxColumns: config.MAX_COLUMNS,
      progressIntervalMs: config.PROGRESS_INTERVAL_MS,
      rowsPerSecond: config.IMPORT_ROWS_PER_SECOND,
    },
    onUnexpectedError: (jobId, error) => logger.error({ jobId, err: error }, 'import crashed'),
  });
  const interrupted = await imports.failInterrupted();
  if (interrupted > 0) logger.warn({ count: interrupted }, 'marked interrupted jobs as failed');
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
      await imports.close();
      await store[Symbol.asyncDispose]();
    },
  };
}
