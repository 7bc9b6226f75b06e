import { join } from 'node:path';
import { type ApiServices, type AuthorizeJob, ownerOnly } from '@jobstream/api';
import { builtInTemplates, ImportService, TemplateRegistry } from '@jobstream/importer';
import type { ProgressHub } from '@jobstream/progress';
import { type Database, JobStore, openDatabase, SessionStore } from '@jobstream/storage';
import type { Config } from './config';
import { type IdentifyCaller, sessionIdentity } from './http/identify';
import type { Logger } from './logger';

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
}): ServerServices {
  const { config, hub, logger } = options;
  const db = openDatabase(config.DATABASE_PATH);
  const jobs = new JobStore(db);
  const imports = new ImportService({
    db,
    jobs,
    emitter: hub.emitter,
    maxRunningPerOwner: config.MAX_RUNNING_IMPORTS,
    limits: { maxRows: config.MAX_ROWS, progressIntervalMs: config.PROGRESS_INTERVAL_MS },
    onUnexpectedError: (jobId, error) => logger.error('import crashed', { jobId, error: String(error) }),
  });
  const sessions = new SessionStore(db);
  const interrupted = imports.failInterrupted();
  if (interrupted > 0) logger.warn('marked interrupted jobs as failed', { count: interrupted });
  return {
    db,
    jobs,
    imports,
    registry: hub.registry,
    sessions,
    identify: options.identify ?? sessionIdentity(sessions),
    templates: new TemplateRegistry(builtInTemplates),
    authorize: options.authorize ?? ownerOnly,
    spoolDir: join(config.DATA_DIR, 'spool'),
    async close() {
      await imports.close();
      db.close();
    },
  };
}
