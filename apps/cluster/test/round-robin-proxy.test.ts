import { once } from 'node:events';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { freePort } from '../src/ports';
import { startRoundRobinProxy } from '../src/round-robin-proxy';

/** A backend on a free port that answers each connection's data with `<name>:<data>`, or resets it. */
async function backend(name: string, behaviour: 'echo' | 'reset' = 'echo') {
  const accepted: Socket[] = [];
  const server: Server = createServer((socket) => {
    accepted.push(socket);
    socket.on('error', () => {});
    socket.on('data', (data) => {
      if (behaviour === 'reset') socket.resetAndDestroy();
      else socket.write(`${name}:${data}`);
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  return {
    port,
    accepted,
    async [Symbol.asyncDispose]() {
      for (const socket of accepted) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** Connects through the proxy, sends `data`, and resolves with the first answer, or '' if the connection closes. */
async function ask(port: number, data: string): Promise<string> {
  const socket = createConnection({ port, host: '127.0.0.1' });
  socket.on('error', () => {});
  await once(socket, 'connect');
  socket.write(data);
  const answer = await new Promise<string>((resolve) => {
    socket.once('data', (chunk) => resolve(chunk.toString()));
    socket.once('close', () => resolve(''));
  });
  socket.destroy();
  return answer;
}

describe('startRoundRobinProxy', () => {
  it('sends each new connection to the next backend in turn, data flowing both ways', async () => {
    await using a = await backend('a');
    await using b = await backend('b');
    await using proxy = await startRoundRobinProxy([a.port, b.port]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await ask(proxy.port, `hi${i}`));
    expect(answers).toEqual(['a:hi0', 'b:hi1', 'a:hi2', 'b:hi3']);
    expect(proxy.history).toEqual([a.port, b.port, a.port, b.port]);
  });

  it('skips a backend that refuses connections, and closes the client when every backend refuses, holding no connection after', async () => {
    await using a = await backend('a');
    const dead = await freePort();
    await using proxy = await startRoundRobinProxy([dead, a.port]);
    expect(await ask(proxy.port, 'x')).toBe('a:x');
    expect(await ask(proxy.port, 'y')).toBe('a:y');
    proxy.backends = [dead];
    expect(await ask(proxy.port, 'z')).toBe('');
    await waitFor(() => expect(proxy.connections).toBe(0));
  });

  it('closes the client of a backend that fails after connecting, and opens nothing elsewhere for it', async () => {
    await using broken = await backend('broken', 'reset');
    await using b = await backend('b');
    await using proxy = await startRoundRobinProxy([broken.port, b.port]);
    expect(await ask(proxy.port, 'x')).toBe('');
    await waitFor(() => expect(proxy.connections).toBe(0));
    expect(b.accepted).toEqual([]);
    expect(proxy.history).toEqual([broken.port]);
  });

  it('cuts every open connection on close', async () => {
    await using a = await backend('a');
    const proxy = await startRoundRobinProxy([a.port]);
    const socket = createConnection({ port: proxy.port, host: '127.0.0.1' });
    socket.on('error', () => {});
    socket.write('hold');
    await once(socket, 'data');
    expect(proxy.connections).toBe(1);
    const closed = once(socket, 'close');
    await proxy.close();
    await closed;
  });
});
