import superjson from 'superjson';

const plain = new WeakSet<object>();

/** Marks an object built only of JSON values (strings, finite numbers, booleans, null, arrays, plain objects), so it is sent as is. */
export function markPlainJson<T extends object>(value: T): T {
  plain.add(value);
  return value;
}

/** True for an object marked with `markPlainJson`. */
function isPlainJson(value: unknown): value is object {
  return typeof value === 'object' && value !== null && plain.has(value);
}

function isPlainTracked(value: unknown): boolean {
  if (isPlainJson(value)) return true;
  const envelope = value as { id?: unknown; data?: unknown } | null;
  return typeof envelope?.id === 'string' && isPlainJson(envelope.data);
}

/**
 * superjson on the wire, with one shortcut: values marked plain JSON (every job event) are wrapped as
 * `{ json: value }`, exactly what superjson would produce for them, without walking them per subscriber.
 */
export const transformer = {
  input: superjson,
  output: {
    serialize: (value: unknown) => (isPlainTracked(value) ? { json: value } : superjson.serialize(value)),
    deserialize: superjson.deserialize,
  },
};
