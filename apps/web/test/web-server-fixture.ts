import { createLogger, type Logger } from '@jobstream/logger';
import { loadWebConfig } from '../server/web-config';
import { type PageHandlers, startWebServer, type WebServer } from '../server/web-server';

/** Pages that answer at once, in place of Next (which needs a build): what the tests watch is the API side. */
export const PLAIN_PAGES: PageHandlers = {
  handle: async (_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('page');
  },
  upgrade: async (_req, socket) => {
    socket.destroy();
  },
};

/** The web server as `server/main.ts` starts it, on a free loopback port, with `pages` in place of Next. */
export function startTestWebServer(
  env: Record<string, string>,
  options: { logger?: Logger; pages?: PageHandlers } = {},
): Promise<WebServer> {
  return startWebServer({
    config: loadWebConfig({ HOST: '127.0.0.1', WEB_PORT: '0', ...env }, []),
    logger: options.logger ?? createLogger({ level: 'silent' }),
    pages: options.pages ?? PLAIN_PAGES,
  });
}
