import { resolve } from 'node:path';
import { createLogger } from '@jobstream/logger';
import next from 'next';
import { loadWebConfig } from './web-config';
import { startWebServer } from './web-server';

const config = loadWebConfig(process.env, process.argv.slice(2));
const logger = createLogger({ level: config.logLevel, format: config.logFormat });
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

// The app's folder: this file's parent whether it runs as source (server/) or built (dist/).
const dir = resolve(import.meta.dirname, '..');
const app = next({ dev: config.dev, dir, hostname: config.host, port: config.port });
const handle = app.getRequestHandler();
await app.prepare();
const upgrade = app.getUpgradeHandler();

const server = await startWebServer({ config, logger, pages: { handle: (req, res) => handle(req, res), upgrade } });
const shown = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
logger.info({ url: `http://${shown}:${server.port}`, api: config.apiUrl.origin, dev: config.dev }, 'listening');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    logger.info({ signal }, 'shutting down');
    server
      .shutdown()
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
}
