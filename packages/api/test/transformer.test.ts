import superjson from 'superjson';
import { describe, expect, it } from 'vitest';
import { markPlainJson, transformer } from '../src/index';

describe('the plain-JSON transformer', () => {
  const payload = {
    event: 'upload-progress',
    payload: { message: 'a $& b $1 "quoted" \\ \u2028', errors: ['Row 1: x'], progress: 5 },
  };

  it('serializes a tracked event with marked data exactly as superjson does', () => {
    const envelope = { id: '7', data: markPlainJson({ ...payload }) };
    expect(JSON.stringify(transformer.output.serialize(envelope))).toBe(
      JSON.stringify(superjson.serialize({ id: '7', data: { ...payload } })),
    );
  });

  it('falls back to superjson for values that are not marked plain', () => {
    const value = { at: new Date(0) };
    expect(transformer.output.serialize(value)).toEqual(superjson.serialize(value));
  });
});
