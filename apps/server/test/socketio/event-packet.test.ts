import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { UPLOAD_GATEWAY_NAMESPACE, type UploadProgress, WebSocketEvents } from '@jobstream/contracts';
import type { DeliveredEvent } from '@jobstream/progress';
import { waitFor } from '@jobstream/testing';
import { Server, type Socket } from 'socket.io';
import { io } from 'socket.io-client';
import { describe, expect, it } from 'vitest';
import { eventPacket } from '../../src/socketio/event-packet';
import { textFrame } from '../../src/ws/text-frames';
import { progressOf, resultOf } from '../fixtures';

const jobId = '6f1c1f5e-8a51-4f3a-9a49-8f1c2b7d9e10';

function delivered(data: DeliveredEvent['data']): DeliveredEvent {
  return { id: 'e:1', data, at: 0 };
}

describe('eventPacket', () => {
  it('is byte for byte the packet Socket.IO writes for socket.emit(name, payload), flags and ids left out', async () => {
    const http = createServer();
    const server = new Server(http, { transports: ['websocket'] });
    const written: unknown[] = [];
    const connected = new Promise<Socket>((resolve) =>
      server.of(UPLOAD_GATEWAY_NAMESPACE).on('connection', (socket) => {
        socket.conn.on('packetCreate', (packet: { type: string; data?: unknown }) => {
          if (packet.type === 'message') written.push(packet.data);
        });
        resolve(socket);
      }),
    );
    http.listen(0, '127.0.0.1');
    await once(http, 'listening');
    const client = io(`http://127.0.0.1:${(http.address() as AddressInfo).port}${UPLOAD_GATEWAY_NAMESPACE}`, {
      transports: ['websocket'],
    });
    try {
      const socket = await connected;
      const progress: UploadProgress = {
        ...progressOf(jobId, 42.5),
        message: 'quote " backslash \\ é ✓ \u2028 😀',
        errors: ['Row 1: email: Invalid email address'],
      };
      const events = [
        delivered({ event: WebSocketEvents.UPLOAD_PROGRESS, payload: progress, snapshot: true, missed: true }),
        delivered({ event: WebSocketEvents.UPLOAD_COMPLETED, payload: resultOf(jobId) }),
        delivered({
          event: WebSocketEvents.UPLOAD_ERROR,
          payload: { jobId, templateName: 'users', status: 'failed', message: 'Cancelled' },
        }),
      ];
      for (const event of events) socket.emit(event.data.event, event.data.payload);
      await waitFor(() => expect(written).toHaveLength(events.length));
      const ours = events.map((event) => eventPacket(UPLOAD_GATEWAY_NAMESPACE, event));
      expect(ours.map((packet) => packet.text)).toEqual(written);
      for (const packet of ours) expect(packet.bytes).toBe(Buffer.byteLength(packet.text));
    } finally {
      client.disconnect();
      await server.close();
    }
  });

  it('is built once for a fan-out: the same stored payload gives the same packet', () => {
    const payload = progressOf(jobId, 10);
    const first = eventPacket(UPLOAD_GATEWAY_NAMESPACE, delivered({ event: 'upload-progress', payload }));
    const again = eventPacket(UPLOAD_GATEWAY_NAMESPACE, delivered({ event: 'upload-progress', payload }));
    expect(again).toBe(first);
    expect(first.options.wsPreEncodedFrame?.[0]).toEqual(textFrame(`4${first.text}`));
    const snapshot = eventPacket(
      UPLOAD_GATEWAY_NAMESPACE,
      delivered({ event: 'upload-progress', payload, snapshot: true }),
    );
    expect(snapshot.text).toBe(first.text);
    expect(snapshot.options.wsPreEncodedFrame).toBeUndefined();
    const other = eventPacket(
      UPLOAD_GATEWAY_NAMESPACE,
      delivered({ event: 'upload-progress', payload: { ...payload } }),
    );
    expect(other).not.toBe(first);
    expect(other.text).toBe(first.text);
    expect(eventPacket('/', delivered({ event: 'upload-progress', payload })).text).toBe(
      `2["upload-progress",${JSON.stringify(payload)}]`,
    );
  });
});
