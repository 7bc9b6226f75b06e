import type * as ws from 'ws';

/** A WebSocket frame as `ws`'s `sendFrame` takes it: here always one buffer, header and payload together. */
export type Frame = readonly Buffer[];

interface FramingSender {
  sendFrame(frame: Frame): void;
}

/** The first header byte of a final, unmasked text frame (FIN + opcode 1). */
const FINAL_TEXT = 0x81;

/** Bytes of a server frame's header for a payload of `length` bytes (RFC 6455 5.2: 7-bit, 16-bit or 64-bit length). */
function headerLength(length: number): number {
  return length < 126 ? 2 : length < 0x10000 ? 4 : 10;
}

/**
 * A server-to-client text frame for `message`, built once to be written to many sockets: header and payload in
 * one buffer, so each socket takes a single plain write instead of ws's corked header-and-payload pair.
 */
export function textFrame(message: string): Frame {
  const length = Buffer.byteLength(message);
  const offset = headerLength(length);
  const frame = Buffer.allocUnsafe(offset + length);
  frame[0] = FINAL_TEXT;
  if (offset === 2) frame[1] = length;
  else if (offset === 4) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x1_0000_0000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(message, offset, 'utf8');
  return [frame];
}

/**
 * How to write a pre-built frame to `socket` (ws's own `sendFrame`, as Socket.IO's broadcasts do, following
 * websockets/ws#617), or undefined when it cannot take one: a compression extension was negotiated, or this
 * `ws` has no such method. Decided once per connection.
 */
export function frameWriter(socket: ws.WebSocket): ((frame: Frame) => void) | undefined {
  const sender = (socket as unknown as { _sender?: Partial<FramingSender> })._sender;
  if (socket.extensions !== '' || typeof sender?.sendFrame !== 'function') return undefined;
  const framing = sender as FramingSender;
  return (frame) => framing.sendFrame(frame);
}
