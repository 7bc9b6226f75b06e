import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import { endOfTurn, type HeldWrites } from './end-of-turn';

/** First byte of an unfragmented text frame: FIN set, opcode 1. */
const FIN_TEXT = 0x81;

/**
 * `text` as one unmasked, unfragmented RFC 6455 text frame (what a server sends for a message): header and UTF-8
 * payload in one buffer, the text encoded straight into it.
 */
export function textFrame(text: string): Buffer {
  const length = Buffer.byteLength(text);
  const headerBytes = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  const frame = Buffer.allocUnsafe(headerBytes + length);
  frame[0] = FIN_TEXT;
  if (length < 126) {
    frame[1] = length;
  } else if (length < 0x10000) {
    frame[1] = 126;
    frame.writeUInt16BE(length, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(length / 0x100000000), 2);
    frame.writeUInt32BE(length >>> 0, 6);
  }
  frame.write(text, headerBytes);
  return frame;
}

/**
 * Writes a connection's text messages as whole frames to its TCP socket (the one the HTTP server's `upgrade` event
 * handed over), while `ws` keeps the handshake, reading, and the control frames (ping, pong, close).
 *
 * Why not `ws`'s `send`: it frames every call on its own and writes header and payload as two corked writes, one
 * `writev` per message per socket. An event fanned out to many subscribers is the same frame for all of them;
 * built once and written as one buffer it costs about a fifth less server CPU per delivered message (a quick S2
 * run of `pnpm bench`, each frame written on its own: 8.5 against 10.6 µs). The frame is the standard's, which no
 * `ws` release can change, and `ws` writes only whole frames too, so neither splits the other's. Every reply and
 * event of the connection goes through here, so they leave in the order they were sent; only keep-alive's `PING`,
 * which may come between any two, goes through `ws`.
 *
 * Frames are held until the end of the turn: the first send corks the socket and `endOfTurn`'s `setImmediate`
 * uncorks it, so every frame sent until then leaves in one write (one system call, unless the kernel takes only
 * part of it) instead of one each. That call, with the kernel's work behind it, is most of what a delivered message
 * costs the server (and its reader's wake-up most of what it costs the client), so a subscriber sent several events
 * before the flush costs a fraction per event. Frames sent from I/O callbacks or timers are flushed later in the
 * same turn; frames sent from a `setImmediate` callback, after the next turn's I/O and immediates. `ws`'s own
 * frames sent meanwhile are held in order with ours.
 */
export class TextFrameWriter implements HeldWrites {
  /** The socket is corked until the end of the turn. */
  private holding = false;

  constructor(
    private readonly client: WebSocket,
    private readonly socket: Duplex,
  ) {}

  /** Bytes written and not yet taken by the kernel (ours and `ws`'s control frames), held ones included. */
  get bufferedBytes(): number {
    return this.socket.writableLength;
  }

  /** Messages can still be sent: the WebSocket is open (once it is closing, its close frame may be out). */
  get open(): boolean {
    const { client } = this;
    return client.readyState === client.OPEN && this.socket.writable;
  }

  /** Sends `text` as one message; nothing once the WebSocket is closing. */
  sendText(text: string): void {
    this.sendFrame(textFrame(text));
  }

  /** Sends a frame built by `textFrame`, at the end of the turn; false, having sent nothing, once the WebSocket is closing. */
  sendFrame(frame: Buffer): boolean {
    if (!this.open) return false;
    if (!this.holding) {
      this.holding = true;
      this.socket.cork();
      endOfTurn.add(this);
    }
    this.socket.write(frame);
    return true;
  }

  /** Hands the kernel what this turn's sends hold back, before the end of the turn. */
  flush(): void {
    if (!this.holding) return;
    this.holding = false;
    this.socket.uncork();
  }
}
