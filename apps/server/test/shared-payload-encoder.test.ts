import { markPlainJson, transformer } from '@jobstream/api';
import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { createSharedPayloadEncoder } from '../src/shared-payload-encoder';

function dataMessage(requestId: number, eventId: string, data: object) {
  const envelope = { id: eventId, data };
  return {
    id: requestId,
    jsonrpc: '2.0',
    result: { type: 'data', id: eventId, data: transformer.output.serialize(envelope) },
  };
}

describe('the shared-payload encoder and plain-JSON transformer', () => {
  const payload = {
    event: 'upload-progress',
    payload: { message: 'a $& b $1 "quoted" \\ \u2028', errors: ['Row 1: x'], progress: 5 },
  };

  it('produces exactly what superjson and JSON.stringify produce, for every subscriber', () => {
    const shared = markPlainJson({ ...payload });
    const encoder = createSharedPayloadEncoder();
    for (const requestId of [1, 2, 3]) {
      const expected = JSON.stringify({
        id: requestId,
        jsonrpc: '2.0',
        result: { type: 'data', id: '7', data: superjson.serialize({ id: '7', data: { ...payload } }) },
      });
      expect(encoder.encode(dataMessage(requestId, '7', shared))).toBe(expected);
    }
  });

  it('falls back to superjson for values that are not marked plain', () => {
    const value = { at: new Date(0) };
    expect(transformer.output.serialize(value)).toEqual(superjson.serialize(value));
    expect(createSharedPayloadEncoder().encode({ id: 1, result: { type: 'data', data: { json: value } } })).toBe(
      JSON.stringify({ id: 1, result: { type: 'data', data: { json: value } } }),
    );
  });
});
