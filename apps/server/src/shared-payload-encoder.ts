import { isPlainJson } from '@jobstream/api';
import { type Encoder, jsonEncoder } from '@trpc/server/adapters/ws';

const PLACEHOLDER = '__jobstream_shared_payload__';
const QUOTED_PLACEHOLDER = `"${PLACEHOLDER}"`;

interface DataMessage {
  result?: { data?: { json?: { data?: unknown } } };
}

/** The shared event data inside a tRPC data message, when the transformer passed it through as plain JSON. */
function sharedData(message: unknown): object | undefined {
  const data = (message as DataMessage).result?.data?.json?.data;
  return isPlainJson(data) ? data : undefined;
}

const cache = new WeakMap<object, string>();

/** The JSON of an event's shared data, stringified once however many subscribers it goes to. */
function sharedJson(data: object): string {
  let json = cache.get(data);
  if (json === undefined) {
    json = JSON.stringify(data);
    cache.set(data, json);
  }
  return json;
}

/**
 * tRPC's JSON wire format, serializing each event's shared data once for all its subscribers: every message
 * carries the cached JSON of the data and stringifies only its own small envelope.
 */
export function createSharedPayloadEncoder(): Encoder {
  return {
    encode(message) {
      const shared = sharedData(message);
      if (!shared) return jsonEncoder.encode(message);
      const raw = sharedJson(shared);
      const envelope = JSON.stringify(message, (_key, value: unknown) => (value === shared ? PLACEHOLDER : value));
      return envelope.replace(QUOTED_PLACEHOLDER, () => raw);
    },
    decode: jsonEncoder.decode,
  };
}
