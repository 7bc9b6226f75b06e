import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Loopback only. */
export const HOST = '127.0.0.1';

/** Listens on a free loopback port and resolves with it. */
export function listenOnFreePort(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, HOST, () => resolve((server.address() as AddressInfo).port));
  });
}

/** Closes an HTTP server, dropping open connections. */
export function closeHttpServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
