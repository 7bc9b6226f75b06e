import type { Socket as EngineSocket } from 'engine.io';
import { type ConnectionLimits, SlotCountingHandle } from '../connection-handle';
import type { EmitLatency } from '../metrics/emit-latency';
import type { EventPacket } from './event-packet';

/**
 * A Socket.IO connection's handle: its subscriptions' events go out through Engine.IO's public
 * `send(data, options, callback)`, whose callback runs once the transport has written the packet out (over
 * WebSocket, handed it to the kernel; over long-polling, written it into a poll's response). The bytes sent and not
 * yet written out are what is queued for the client, in Engine.IO's write buffer or the socket's: above
 * `sendBufferBytes` the subscriptions wait, and conflate, until it falls back under.
 */
export class SocketIoConnectionHandle extends SlotCountingHandle {
  /** Bytes of events sent on this connection and not yet written out. */
  queuedBytes = 0;
  /** Sizes of the packets not yet written out, in send order: Engine.IO runs send callbacks in that order. */
  private readonly unwritten: number[] = [];
  /** Resolves when the queue falls under the limit or the connection closes; one for all waiting subscriptions. */
  private drained: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  /** Engine.IO's callback of every send: one bound function for the connection's life, not one per packet. */
  private readonly written: () => void;

  constructor(
    private readonly conn: EngineSocket,
    limits: ConnectionLimits,
    latency: EmitLatency,
  ) {
    super(limits, latency);
    // Bound, not arrow-function fields: tsx's keepNames gives each such field a name property, 256 bytes a handle.
    this.written = this.onWritten.bind(this);
  }

  /** Sends one event packet, counting its bytes until Engine.IO has written it out; nothing once the connection is closing. */
  send(packet: EventPacket): void {
    if (this.conn.readyState !== 'open') return;
    this.queuedBytes += packet.bytes;
    this.unwritten.push(packet.bytes);
    this.conn.send(packet.text, packet.options, this.written);
  }

  writable(): Promise<void> | undefined {
    if (this.queuedBytes <= this.limits.sendBufferBytes || this.conn.readyState !== 'open') return undefined;
    this.drained ??= new Promise((resolve) => {
      this.wake = resolve;
    });
    return this.drained;
  }

  private onWritten(): void {
    this.queuedBytes -= this.unwritten.shift() ?? 0;
    if (this.queuedBytes <= this.limits.sendBufferBytes) this.release();
  }

  /**
   * The connection closed (its transport calls this from its own 'close' listener, one for all connections): Engine.IO
   * drops what it had not written, and never calls back for it.
   */
  closed(): void {
    this.queuedBytes = 0;
    this.unwritten.length = 0;
    this.release();
  }

  private release(): void {
    const { wake } = this;
    if (!wake) return;
    this.drained = undefined;
    this.wake = undefined;
    wake();
  }
}
