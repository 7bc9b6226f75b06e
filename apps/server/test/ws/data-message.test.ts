import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { markPlainJson, transformer } from '@jobstream/api';
import type { JobStreamEvent } from '@jobstream/contracts';
import type { DeliveredEvent } from '@jobstream/progress';
import { initTRPC, tracked } from '@trpc/server';
import { applyWSSHandler } from '@trpc/server/adapters/ws';
import { describe, expect, it } from 'vitest';
import { WebSocket, WebSocketServer } from 'ws';
import { dataMessage } from '../../src/ws/data-message';
import { textFrame } from '../../src/ws/text-frames';

function headOf(requestId: number | string, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(requestId)}${jsonrpc ? ',"jsonrpc":"2.0"' : ''}`;
}

/**
 * What tRPC's own WebSocket adapter really sends for `event`, tracked, with the API's transformer: a one-procedure
 * router served by `applyWSSHandler`, subscribed to under `requestId`.
 */
async function trpcMessage(requestId: number | string, jsonrpc: boolean, event: DeliveredEvent): Promise<string> {
  const t = initTRPC.create({ transformer });
  const router = t.router({
    one: t.procedure.subscription(async function* () {
      yield tracked(event.id, markPlainJson(event.data));
    }),
  });
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  applyWSSHandler({ wss, router });
  try {
    const socket = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    await once(socket, 'open');
    const data = new Promise<string>((resolve) =>
      socket.on('message', (message) => {
        if (String(message).includes('"type":"data"')) resolve(String(message));
      }),
    );
    socket.send(
      JSON.stringify({
        id: requestId,
        ...(jsonrpc ? { jsonrpc: '2.0' } : {}),
        method: 'subscription',
        params: { path: 'one', input: {} },
      }),
    );
    const text = await data;
    socket.terminate();
    return text;
  } finally {
    await new Promise((resolve) => wss.close(resolve));
  }
}

function delivered(id: string, message: string): DeliveredEvent {
  const data = {
    event: 'upload-progress',
    payload: { jobId: 'j', templateName: 'users', status: 'processing', progress: 5, message, errors: ['Row 1: x'] },
  } as JobStreamEvent;
  return { id, data, at: 0 };
}

describe('dataMessage', () => {
  it('is byte for byte the message tRPC’s adapter sends, for any request id and with or without jsonrpc', async () => {
    const event = delivered('7', 'a $& b $1 "quoted" \\ \u2028 é');
    for (const [requestId, jsonrpc] of [
      [1, false],
      [1, true],
      ['sub-"x"', true],
      [2, false],
    ] as const) {
      expect(dataMessage(headOf(requestId, jsonrpc), event).text).toBe(await trpcMessage(requestId, jsonrpc, event));
    }
  });

  it('never serves one event’s message for another, even with equal ids', () => {
    const head = headOf(1, false);
    const first = delivered('3', 'first');
    const second = delivered('3', 'second');
    expect(dataMessage(head, first).text).toContain('"first"');
    expect(dataMessage(head, second).text).toContain('"second"');
    expect(dataMessage(head, first).text).toContain('"first"');
  });

  it('reuses a message for every subscriber’s copy of one stored event, and only for it', () => {
    const head = headOf(1, false);
    const event = delivered('4', 'shared');
    const copy = { ...event, data: { ...event.data } };
    const { frame } = dataMessage(head, event);
    expect(dataMessage(head, copy).frame).toBe(frame);
    const snapshot = { ...event, data: { ...event.data, snapshot: true as const } };
    expect(dataMessage(head, snapshot).text).toContain('"snapshot":true');
    expect(dataMessage(head, { ...event, id: '5' }).text).toContain('"id":"5"');
    expect(dataMessage(head, event).text).not.toContain('"snapshot"');
  });

  it('frames a message once for all its sends, as its text frame', () => {
    const head = headOf(1, false);
    const event = delivered('11', 'fan-out é');
    const { frame, text } = dataMessage(head, event);
    expect(dataMessage(head, event).frame).toBe(frame);
    expect(dataMessage(headOf(2, false), event).frame).not.toBe(frame);
    expect(frame).toEqual(textFrame(text));
  });
});
