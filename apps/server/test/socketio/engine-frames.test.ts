import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UPLOAD_GATEWAY_NAMESPACE } from '@jobstream/contracts';
import type { DeliveredEvent } from '@jobstream/progress';
import { waitFor } from '@jobstream/testing';
import { Server as EngineServer, type Socket as EngineSocket } from 'engine.io';
import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { eventPacket } from '../../src/socketio/event-packet';
import { textFrame } from '../../src/ws/text-frames';
import { progressOf } from '../fixtures';

const jobId = '6f1c1f5e-8a51-4f3a-9a49-8f1c2b7d9e10';

/** An Engine.IO server on a free port, and the messages a raw WebSocket client of it receives. */
async function engineWithClient() {
  const http = createServer();
  const engine = new EngineServer();
  engine.attach(http);
  const connected = new Promise<EngineSocket>((resolve) => engine.once('connection', resolve));
  http.listen(0, '127.0.0.1');
  await once(http, 'listening');
  const port = (http.address() as AddressInfo).port;
  const client = new WebSocket(`ws://127.0.0.1:${port}/engine.io/?EIO=4&transport=websocket`);
  const received: string[] = [];
  client.on('message', (data) => received.push(String(data)));
  const conn = await connected;
  return {
    conn,
    received,
    async close() {
      client.terminate();
      engine.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

describe('Engine.IO with a pre-encoded frame', () => {
  it('writes the packet’s frame as it is over WebSocket (if this fails, every socket’s copy is framed again)', async () => {
    const served = await engineWithClient();
    try {
      const frame = textFrame('4from the frame');
      served.conn.send('from the text', { compress: true, wsPreEncodedFrame: [frame] } as { compress: boolean });
      await waitFor(() => expect(served.received).toContain('4from the frame'));
      expect(served.received).not.toContain('4from the text');
    } finally {
      await served.close();
    }
  });

  it('sends an event packet’s frame as the Engine.IO message of its text', async () => {
    const served = await engineWithClient();
    try {
      const event: DeliveredEvent = {
        id: 'e:1',
        data: { event: 'upload-progress', payload: progressOf(jobId, 7) },
        at: 0,
      };
      const packet = eventPacket(UPLOAD_GATEWAY_NAMESPACE, event);
      served.conn.send(packet.text, packet.options);
      served.conn.send('after');
      await waitFor(() => expect(served.received).toContain('4after'));
      expect(served.received.slice(-2)).toEqual([`4${packet.text}`, '4after']);
    } finally {
      await served.close();
    }
  });
});
