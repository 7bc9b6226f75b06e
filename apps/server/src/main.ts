import { createLogger } from '@jobstream/logger';
import { type ApiServer, startApiServer } from './api-server';
import { type Config, loadConfig } from './config';

/**
 * Ends the process after one log line saying why it cannot start (bad configuration, an unreachable database),
 * written whatever `LOG_LEVEL` says.
 */
function cannotStart(error: unknown): never {
  createLogger({ level: 'error' }).error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}

let config: Config;
try {
  config = loadConfig();
} catch (error) {
  cannotStart(error);
}
const logger = createLogger({ level: config.LOG_LEVEL, format: config.LOG_FORMAT });
let server: ApiServer;
try {
  server = await startApiServer({ config, logger });
} catch (error) {
  cannotStart(error);
}

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server.shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  });
}
