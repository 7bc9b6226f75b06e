import { join } from 'node:path';
import { type ApiServices, type AuthorizeJob, ownerOnly } from '@jobstream/api';
import { builtInTemplates, ImportService, type ImportTemplate, TemplateRegistry } from '@jobstream/importer';
import type { Logger } from '@jobstream/logger';
import type { ProgressHub } from '@jobstream/progress';
import { type Database, JobStore, openDatabase, SessionStore } from '@jobstream/storage';
import type { Config } from './config';
import { type IdentifyCaller, sessionIdentity } from './http/identify';
import { removeOrphanedUploads } from './uploads/spool-dir';

/** The process's services, plus what only the server itself needs. */
export interface ServerServices extends ApiServices {
  db: Database;
  /** Where uploads are spooled before they are imported. */
  spoolDir: string;
  /** Who is calling, for every HTTP request, upload and WebSocket connection. */
  identify: IdentifyCaller;
  close(): Promise<void>;
}

/** Opens the database, fails jobs a previous process left running, and wires the import service to the emitter. */
export function createServices(options: {
  config: Config;
  hub: ProgressHub;
  logger: Logger;
  authorize?: AuthorizeJob;
  identify?: IdentifyCaller;
  /** The templates uploads may name (default `builtInTemplates`); add one with `[...builtInTemplates, yours]`. */
  templates?: readonly ImportTemplate[];
}): ServerServices {
  const { config, hub, logger } = options;
  const db = openDatabase(config.DATABASE_PATH);
  const jobs = new JobStore(db);
  const imports = new ImportService({
    db,
    jobs,
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
  const sessions = new SessionStore(db);
  const interrupted = imports.failInterrupted();
  if (interrupted > 0) logger.warn({ count: interrupted }, 'marked interrupted jobs as failed');
  const spoolDir = join(config.DATA_DIR, 'spool');
  const orphans = removeOrphanedUploads(spoolDir);
  if (orphans > 0) logger.warn({ count: orphans }, 'deleted uploads a previous process left spooled');
  return {
    db,
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
      await imports.close();
      db.close();
    },
  };
}
