import { once } from 'node:events';
import { type ClientRequestArgs, createServer } from 'node:http';
import { type AddressInfo, connect, type NetConnectOpts, type Socket } from 'node:net';
import { waitFor } from '@jobstream/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { TextFrameWriter, textFrame } from '../../src/ws/text-frames';

interface Served {
  url: string;
  /** The server side of the next connection: its `ws` socket and its writer. */
  next: Promise<{ client: WebSocket; writer: TextFrameWriter }>;
  close(): Promise<void>;
}

/** An HTTP server whose upgrades `ws` completes, each connection given a `TextFrameWriter` on its TCP socket. */
async function serve(): Promise<Served> {
  const http = createServer();
  const wss = new WebSocketServer({ noServer: true });
  let accept: (value: { client: WebSocket; writer: TextFrameWriter }) => void = () => {};
  const served: Served = {
    url: '',
    next: new Promise((resolve) => {
      accept = resolve;
    }),
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise((resolve) => wss.close(resolve));
      await new Promise((resolve) => http.close(resolve));
    },
  };
  http.on('upgrade', (req, socket, head) => {
    wss.handleUpgrade(req, socket, head, (client) => accept({ client, writer: new TextFrameWriter(client, socket) }));
  });
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  served.url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`;
  return served;
}

let server: Served | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

describe('textFrame', () => {
  it('uses the 7-bit, 16-bit and 64-bit length forms at their boundaries', () => {
    expect([...textFrame('x'.repeat(125)).subarray(0, 2)]).toEqual([0x81, 125]);
    expect([...textFrame('x'.repeat(126)).subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect([...textFrame('x'.repeat(0xffff)).subarray(0, 4)]).toEqual([0x81, 126, 0xff, 0xff]);
    expect([...textFrame('x'.repeat(0x10000)).subarray(0, 10)]).toEqual([0x81, 127, 0, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('measures the payload in UTF-8 bytes, not characters', () => {
    const text = 'é'.repeat(63);
    const frame = textFrame(text);
    expect([...frame.subarray(0, 4)]).toEqual([0x81, 126, 0, 126]);
    expect(frame.subarray(4).toString()).toBe(text);
  });
});

describe('TextFrameWriter', () => {
  it('delivers every message whole and in order to a real ws client, mixed with ws’s own frames', async () => {
    server = await serve();
    const peer = new WebSocket(server.url);
    const received: Array<{ text: string; binary: boolean }> = [];
    let pings = 0;
    peer.on('message', (data, isBinary) => received.push({ text: String(data), binary: isBinary }));
    peer.on('ping', () => pings++);
    const { client, writer } = await server.next;
    const texts = [0, 1, 125, 126, 127, 0xffff, 0x10000, 70_000].map((size, i) => `${i}`.padEnd(size, 'x'));
    texts.push('é \u2028 😀 "quoted"');
    for (const [i, text] of texts.entries()) {
      expect(writer.sendFrame(textFrame(text))).toBe(true);
      if (i === 3) client.ping();
      if (i === 5) client.send('from ws');
    }
    writer.sendText('last');
    const expected = [...texts.slice(0, 6), 'from ws', ...texts.slice(6), 'last'];
    await waitFor(() => expect(received).toHaveLength(expected.length));
    expect(received.map((message) => message.text)).toEqual(expected);
    expect(received.every((message) => !message.binary)).toBe(true);
    expect(pings).toBe(1);
    peer.close();
  });

  it('sends nothing once the WebSocket is closing, and the peer sees a clean close', async () => {
    server = await serve();
    const peer = new WebSocket(server.url);
    const received: string[] = [];
    peer.on('message', (data) => received.push(String(data)));
    const closed = new Promise<number>((resolve) => peer.on('close', (code) => resolve(code)));
    const errors: Error[] = [];
    peer.on('error', (error) => errors.push(error));
    const { client, writer } = await server.next;
    writer.sendText('before');
    client.close(1000, 'done');
    expect(writer.open).toBe(false);
    expect(writer.sendFrame(textFrame('after'))).toBe(false);
    writer.sendText('after too');
    expect(await closed).toBe(1000);
    expect(received).toEqual(['before']);
    expect(errors).toEqual([]);
  });

  it('counts what the peer has not taken yet', async () => {
    server = await serve();
    const peer = new WebSocket(server.url);
    await once(peer, 'open');
    const { writer } = await server.next;
    expect(writer.bufferedBytes).toBe(0);
    // A peer that stops reading: the kernel buffers fill, then the rest waits in the socket.
    peer.pause();
    const frame = textFrame('x'.repeat(1 << 20));
    for (let i = 0; i < 64 && writer.bufferedBytes === 0; i++) {
      writer.sendFrame(frame);
      writer.flush();
    }
    expect(writer.bufferedBytes).toBeGreaterThan(0);
    peer.terminate();
  });

  it('sends the frames of one turn of the event loop in one write, at the end of the turn or at flush', async () => {
    server = await serve();
    // The peer's TCP socket, to see how the bytes arrive: one write of a few small frames is one read.
    let socket: Socket | undefined;
    const peer = new WebSocket(server.url, {
      createConnection: (options: ClientRequestArgs) => {
        socket = connect(options as NetConnectOpts);
        return socket;
      },
    });
    const received: string[] = [];
    peer.on('message', (data) => received.push(String(data)));
    await once(peer, 'open');
    const reads: number[] = [];
    socket?.on('data', (chunk: Buffer) => reads.push(chunk.length));
    const { client, writer } = await server.next;
    const frames = ['one', 'two', 'three'].map((text) => textFrame(text));
    for (const frame of frames) writer.sendFrame(frame);
    client.ping();
    const turnBytes = frames.reduce((sum, frame) => sum + frame.length, 0) + 2;
    expect(writer.bufferedBytes).toBe(turnBytes);
    await waitFor(() => expect(received).toEqual(['one', 'two', 'three']));
    expect(reads).toEqual([turnBytes]);
    expect(writer.bufferedBytes).toBe(0);

    writer.sendText('four');
    writer.flush();
    expect(writer.bufferedBytes).toBe(0);
    await waitFor(() => expect(received).toHaveLength(4));
    expect(reads).toEqual([turnBytes, textFrame('four').length]);
    peer.close();
  });
});
