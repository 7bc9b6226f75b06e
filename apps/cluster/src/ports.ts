import { once } from 'node:events';
import { createServer } from 'node:net';

/** Listens on 127.0.0.1:`port` (0: any free one) and closes again; resolves with the port, rejects when it is in use. */
async function probe(port: number): Promise<number> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** A port free on 127.0.0.1 now, for a process that must come back on the same one after a restart. */
export function freePort(): Promise<number> {
  return probe(0);
}

/** Rejects with a message naming `variable` when 127.0.0.1:`port` is taken; port 0 always passes. */
export async function assertPortFree(port: number, variable: string): Promise<void> {
  if (port === 0) return;
  await probe(port).catch((error: NodeJS.ErrnoException) => {
    const why = error.code === 'EADDRINUSE' ? 'is in use' : `cannot be used (${error.message})`;
    throw new Error(`port ${port} on 127.0.0.1 ${why}: stop what uses it, or set ${variable} to another port`);
  });
}
