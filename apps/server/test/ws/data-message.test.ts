import type { JobStreamEvent } from '@jobstream/contracts';
import type { DeliveredEvent } from '@jobstream/progress';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { dataMessage } from '../../src/ws/data-message';

function headOf(requestId: number | string, jsonrpc: boolean): string {
  return `{"id":${JSON.stringify(requestId)}${jsonrpc ? ',"jsonrpc":"2.0"' : ''}`;
}

/** What tRPC's handler sends for a tracked event with superjson: the reference the native path must match. */
function trpcMessage(requestId: number | string, jsonrpc: boolean, event: DeliveredEvent): string {
  return JSON.stringify({
    id: requestId,
    ...(jsonrpc ? { jsonrpc: '2.0' } : {}),
    result: { type: 'data', id: event.id, data: superjson.serialize({ id: event.id, data: event.data }) },
  });
}

function delivered(id: string, message: string): DeliveredEvent {
  const data = {
    event: 'upload-progress',
    payload: { jobId: 'j', templateName: 'users', status: 'processing', progress: 5, message, errors: ['Row 1: x'] },
  } as JobStreamEvent;
  return { id, data, at: 0 };
}

describe('dataMessage', () => {
  it('is byte for byte the message tRPC sends, for any request id and with or without jsonrpc', () => {
    const event = delivered('7', 'a $& b $1 "quoted" \\ \u2028 é');
    for (const [requestId, jsonrpc] of [
      [1, false],
      [1, true],
      ['sub-"x"', true],
      [2, false],
    ] as const) {
      expect(dataMessage(headOf(requestId, jsonrpc), event).text).toBe(trpcMessage(requestId, jsonrpc, event));
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
    const { bytes } = dataMessage(head, event);
    expect(dataMessage(head, copy).bytes).toBe(bytes);
    const snapshot = { ...event, data: { ...event.data, snapshot: true as const } };
    expect(dataMessage(head, snapshot).text).toContain('"snapshot":true');
    expect(dataMessage(head, { ...event, id: '5' }).text).toContain('"id":"5"');
    expect(dataMessage(head, event).text).not.toContain('"snapshot"');
  });

  it('encodes a message once for all its sends, and the bytes are exactly its text in UTF-8', () => {
    const head = headOf(1, false);
    const event = delivered('11', 'fan-out é');
    const { bytes, text } = dataMessage(head, event);
    expect(dataMessage(head, event).bytes).toBe(bytes);
    expect(dataMessage(headOf(2, false), event).bytes).not.toBe(bytes);
    expect(bytes.toString()).toBe(text);
    expect(bytes).toHaveLength(Buffer.byteLength(text));
  });
});
