import type { DeliveredEvent } from '@jobstream/progress';
import { payloadJson } from '../ws/event-json';

/** A Socket.IO packet ready to send: its text, and its size in UTF-8 bytes (what it adds to the send buffer). */
export interface EventPacket {
  readonly text: string;
  readonly bytes: number;
}

/** Socket.IO protocol v5's packet type for an event. */
const EVENT = '2';

interface LastPacket {
  /** What the packet was built from: the stored payload object (the event's own, never mutated) and the namespace. */
  payload: unknown;
  namespace: string;
  packet: EventPacket;
}

/** The last packet built: consecutive sends of one event (its fan-out) reuse it. Holds one event at most. */
let last: LastPacket | undefined;

/**
 * The Socket.IO packet that carries `event` to a socket of `namespace`, byte for byte what socket.io-parser writes
 * for `socket.emit(name, payload)`: `2/file-upload,["upload-progress",{…}]`. Only the gateway's event name and
 * payload travel, never the event's id or snapshot flags, which its clients do not know. Subscribers at the same
 * position receive the same stored payload in a row, so an event is encoded once for all of them, as a Socket.IO
 * room broadcast encodes it once.
 */
export function eventPacket(namespace: string, event: DeliveredEvent): EventPacket {
  const { data } = event;
  if (last?.payload !== data.payload || last.namespace !== namespace) {
    const prefix = namespace === '/' ? EVENT : `${EVENT}${namespace},`;
    const text = `${prefix}[${JSON.stringify(data.event)},${payloadJson(data)}]`;
    last = { payload: data.payload, namespace, packet: { text, bytes: Buffer.byteLength(text) } };
  }
  return last.packet;
}
