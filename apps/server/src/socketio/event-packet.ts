import type { DeliveredEvent } from '@jobstream/progress';
import { payloadJson } from '../ws/event-json';
import { textFrame } from '../ws/text-frames';

/**
 * Engine.IO's options for sending a packet. Engine.IO's WebSocket transport writes a packet whose options carry
 * `wsPreEncodedFrame` (its whole WebSocket frame, as buffers) as it is, without encoding and framing it again for
 * each socket: the option Socket.IO's own room broadcasts use. It is not in Engine.IO's typings; an Engine.IO
 * without it would encode the packet's text as usual (and `engine-frames.test.ts` would fail, showing the loss).
 * Long-polling ignores it. `compress` is Engine.IO's default, which it writes into the options of every send.
 */
export interface PacketSendOptions {
  compress: boolean;
  wsPreEncodedFrame?: [Buffer];
}

/**
 * The options of a snapshot's packet: its text alone. A snapshot goes to one subscriber, at its join; a frame of
 * its own would add a short-lived buffer per join, and a burst of joins (5,000 in S3) left the process about 1 KB
 * more resident memory per subscriber with them than without, where a text write's encoding is freed at once.
 */
const TEXT_ONLY: PacketSendOptions = { compress: true };

/** A Socket.IO packet ready to send: its text, its size in UTF-8 bytes (what it adds to the send buffer), its options. */
export interface EventPacket {
  readonly text: string;
  readonly bytes: number;
  readonly options: PacketSendOptions;
}

/** Engine.IO protocol v4's packet type for a message, which prefixes a Socket.IO packet on the wire. */
const ENGINE_MESSAGE = '4';

/** Socket.IO protocol v5's packet type for an event. */
const EVENT = '2';

interface LastPacket {
  /** What the packet was built from: the stored payload object (the event's own, never mutated) and the namespace. */
  payload: unknown;
  namespace: string;
  /** It carries its frame (not a snapshot's). */
  framed: boolean;
  packet: EventPacket;
}

/** The last packet built: consecutive sends of one event (its fan-out) reuse it. Holds one event at most. */
let last: LastPacket | undefined;

/**
 * The Socket.IO packet that carries `event` to a socket of `namespace`, byte for byte what socket.io-parser writes
 * for `socket.emit(name, payload)`: `2/file-upload,["upload-progress",{…}]`. Only the gateway's event name and
 * payload travel, never the event's id or snapshot flags, which its clients do not know. Subscribers at the same
 * position receive the same stored payload in a row, so an event is encoded and framed once for all of them, as a
 * Socket.IO room broadcast encodes and frames it once.
 */
export function eventPacket(namespace: string, event: DeliveredEvent): EventPacket {
  const { data } = event;
  const framed = data.snapshot !== true;
  if (last?.payload !== data.payload || last.namespace !== namespace || last.framed !== framed) {
    const prefix = namespace === '/' ? EVENT : `${EVENT}${namespace},`;
    const text = `${prefix}[${JSON.stringify(data.event)},${payloadJson(data)}]`;
    // One buffer, header and payload, so that each socket's copy is one write.
    const options: PacketSendOptions = framed
      ? { compress: true, wsPreEncodedFrame: [textFrame(ENGINE_MESSAGE + text)] }
      : TEXT_ONLY;
    last = { payload: data.payload, namespace, framed, packet: { text, bytes: Buffer.byteLength(text), options } };
  }
  return last.packet;
}
