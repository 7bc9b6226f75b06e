import { createServer } from 'node:http';
import next from 'next';
import { isApiPath, isApiUpgradePath, pathnameOf } from './server/api-routes';
import { proxyHttp } from './server/proxy-http';
import { proxyUpgrade } from './server/proxy-upgrade';
import { loadWebConfig } from './server/web-config';

const config = loadWebConfig(process.env, process.argv.slice(2));
process.env.NEXT_TELEMETRY_DISABLED ??= '1';

const app = next({ dev: config.dev, dir: import.meta.dirname, hostname: config.host, port: config.port });
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
  if (isApiUpgradePath(pathnameOf(req.url))) {
    proxyUpgrade(config.apiUrl, req, socket, head);
    return;
  }
  handleNextUpgrade(req, socket, head).catch(() => socket.destroy());
});

server.listen(config.port, config.host, () => {
  const shown = config.host === '127.0.0.1' || config.host === '0.0.0.0' ? 'localhost' : config.host;
  console.log(`jobstream web${config.dev ? ' (dev)' : ''} ready: open http://${shown}:${config.port}`);
  console.log(`proxying /trpc, /uploads and /socket.io to ${config.apiUrl.origin}`);
});

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
    setTimeout(() => process.exit(0), 2_000).unref();
  });
}
