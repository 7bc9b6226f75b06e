import { once } from 'node:events';
import { createConnection, createServer, type Server } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startRoundRobinProxy } from '../src/index';

/** A backend that answers each connection with its name and closes. */
async function backend(name: string): Promise<Server & { port: number }> {
  const server = createServer((socket) => socket.end(name));
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return Object.assign(server, { port: (server.address() as { port: number }).port });
}

/** What one connection through the proxy reads before it closes. */
async function answer(port: number): Promise<string> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  let data = '';
  socket.on('data', (chunk) => {
    data += chunk.toString();
  });
  socket.on('error', () => {});
  await once(socket, 'close');
  return data;
}

describe('startRoundRobinProxy', () => {
  it('sends each new connection to the next backend in turn, and past one that refuses', async () => {
    const a = await backend('a');
    const b = await backend('b');
    const c = await backend('c');
    await using proxy = await startRoundRobinProxy([a.port, b.port, c.port]);
    const first = [await answer(proxy.port), await answer(proxy.port), await answer(proxy.port)];
    expect(first).toEqual(['a', 'b', 'c']);
    b.close();
    await once(b, 'close');
    const next = [await answer(proxy.port), await answer(proxy.port), await answer(proxy.port)];
    expect(next).not.toContain('b');
    expect(next.every((name) => name === 'a' || name === 'c')).toBe(true);
    expect(proxy.history.slice(0, 3)).toEqual([a.port, b.port, c.port]);
    for (const server of [a, c]) server.close();
  });

  it('closes a client when every backend refuses it, and holds no connection after', async () => {
    const a = await backend('a');
    const port = a.port;
    a.close();
    await once(a, 'close');
    await using proxy = await startRoundRobinProxy([port]);
    expect(await answer(proxy.port)).toBe('');
    await expect.poll(() => proxy.connections).toBe(0);
  });
});
