import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { frameWriter, textFrame } from '../src/ws-frame';

async function serverWith(options: ConstructorParameters<typeof WebSocketServer>[0] = {}) {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', ...options });
  await once(wss, 'listening');
  const url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  return {
    wss,
    url,
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => wss.close(() => resolve())),
  };
}

describe('pre-built frames', () => {
  it('reach every socket as the same text message, one frame written to all', async () => {
    await using server = await serverWith();
    const clients = [0, 1, 2].map(() => new WebSocket(server.url));
    const received = clients.map((client) => once(client, 'message'));
    const sockets: WebSocket[] = [];
    server.wss.on('connection', (socket) => sockets.push(socket));
    await Promise.all(clients.map((client) => once(client, 'open')));
    await expect.poll(() => sockets.length).toBe(3);
    const text = '{"id":1,"result":{"type":"data","data":"é ✓"}}';
    const frame = textFrame(text);
    for (const socket of sockets) frameWriter(socket)?.(frame);
    const messages = await Promise.all(received);
    for (const [data, isBinary] of messages) {
      expect(isBinary).toBe(false);
      expect(String(data)).toBe(text);
    }
    for (const client of clients) client.terminate();
  });

  it.each([
    ['7-bit', 125],
    ['16-bit', 126],
    ['16-bit', 0xffff],
    ['64-bit', 0x10000],
    ['64-bit', 300_000],
  ])('carry a message with a %s length (%i bytes) intact', async (_, bytes) => {
    await using server = await serverWith();
    const client = new WebSocket(server.url);
    const [[socket]] = (await Promise.all([once(server.wss, 'connection'), once(client, 'open')])) as [
      [WebSocket],
      unknown,
    ];
    const text = `é${'x'.repeat(bytes - 2)}`;
    const received = once(client, 'message');
    frameWriter(socket)?.(textFrame(text));
    const [data] = await received;
    client.terminate();
    expect(Buffer.byteLength(text)).toBe(bytes);
    expect(String(data)).toBe(text);
  });

  it('are not used on a connection that negotiated compression', async () => {
    await using server = await serverWith({ perMessageDeflate: true });
    const client = new WebSocket(server.url, { perMessageDeflate: true });
    const [[socket]] = (await Promise.all([once(server.wss, 'connection'), once(client, 'open')])) as [
      [WebSocket],
      unknown,
    ];
    expect(socket.extensions).not.toBe('');
    expect(frameWriter(socket)).toBeUndefined();
    client.terminate();
  });
});
