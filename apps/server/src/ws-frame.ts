import * as ws from 'ws';

/** A WebSocket frame as `ws` writes it: header and payload buffers. */
export type Frame = readonly Buffer[];

interface FramingSender {
  sendFrame(frame: Frame): void;
}

/** ws's frame builder: exported by `ws`, absent from its type declarations. */
const { Sender } = ws as unknown as { Sender: { frame(data: Buffer, options: object): Buffer[] } };

const TEXT_FRAME_OPTIONS = { fin: true, rsv1: false, opcode: 0x01, mask: false, readOnly: false };

/** A server-to-client text frame for `message`, built once to be written to many sockets. */
export function textFrame(message: string): Frame {
  return Sender.frame(Buffer.from(message), TEXT_FRAME_OPTIONS);
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
