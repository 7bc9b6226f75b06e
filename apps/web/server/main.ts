import { createServer } from 'node:http';
import { resolve } from 'node:path';
import next from 'next';
import { isApiPath, pathnameOf, TRPC_WS_PATH } from './api-routes';
import { proxyHttp } from './proxy-http';
import { proxyUpgrade } from './proxy-upgrade';
import { loadWebConfig } from './web-config';

const config = loadWebConfig(process.env, process.argv.slice(2));
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

// The app's folder: this file's parent whether it runs as source (server/) or built (dist/).
const dir = resolve(import.meta.dirname, '..');
const app = next({ dev: config.dev, dir, hostname: config.host, port: config.port });
const handle = app.getRequestHandler();
await app.prepare();
const handleNextUpgrade = app.getUpgradeHandler();

const server = createServer((req, res) => {
  if (isApiPath(pathnameOf(req.url))) {
    proxyHttp(config.apiUrl, req, res);
    return;
  }
  handle(req, res).catch((error: unknown) => {
    console.error('request failed', error);
    if (!res.headersSent) res.writeHead(500).end('Internal Server Error');
  });
});

server.on('upgrade', (req, socket, head) => {
  if (pathnameOf(req.url) === TRPC_WS_PATH) {
    proxyUpgrade(config.apiUrl, req, socket, head);
    return;
  }
  handleNextUpgrade(req, socket, head).catch(() => socket.destroy());
});

server.listen(config.port, config.host, () => {
  const shown = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`jobstream web${config.dev ? ' (dev)' : ''} ready: open http://${shown}:${config.port}`);
  console.log(`proxying /trpc and /uploads to ${config.apiUrl.origin}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
