import type { Socket as EngineSocket } from 'engine.io';
import { type ConnectionLimits, SlotCountingHandle } from '../connection-handle';
import type { EmitLatency } from '../metrics/emit-latency';
import type { EventPacket } from './event-packet';

/**
 * A Socket.IO connection's handle: its subscriptions' events go out through Engine.IO's public `send`. Engine.IO
 * hands its write buffer to the transport whenever the transport can take it (over WebSocket, once the previous
 * batch is written to the kernel; over long-polling, when a poll is waiting) and then emits `drain`. What is sent
 * in between waits in that buffer: above `sendBufferBytes` of it the subscriptions wait, and conflate, until the
 * next `drain`. So at most `sendBufferBytes` (and the event that crossed it) waits in Engine.IO, and at most one
 * such batch more is being written out. Sends pass no callback: a send callback costs Engine.IO an array per packet.
 */
export class SocketIoConnectionHandle extends SlotCountingHandle {
  /** Bytes of events sent on this connection that wait in Engine.IO's write buffer. */
  queuedBytes = 0;
  /** Resolves at the next `drain` or when the connection closes; one for all waiting subscriptions. */
  private drained: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    private readonly conn: EngineSocket,
    limits: ConnectionLimits,
    latency: EmitLatency,
  ) {
    super(limits, latency);
  }

  /** Sends one event packet; nothing once the connection is closing. */
  send(packet: EventPacket): void {
    if (this.conn.readyState !== 'open') return;
    // Counted first: when the transport can take it, Engine.IO flushes within `send` and `emptied` zeroes the count.
    this.queuedBytes += packet.bytes;
    this.conn.send(packet.text, packet.options);
  }

  writable(): Promise<void> | undefined {
    if (this.queuedBytes <= this.limits.sendBufferBytes || this.conn.readyState !== 'open') return undefined;
    this.drained ??= new Promise((resolve) => {
      this.wake = resolve;
    });
    return this.drained;
  }

  /**
   * Nothing of this connection waits in Engine.IO any more: its write buffer went to the transport (Engine.IO's
   * server-wide `drain`), or the connection closed and Engine.IO dropped it. The transport calls it from both
   * listeners, one each for all connections.
   */
  emptied(): void {
    this.queuedBytes = 0;
    const { wake } = this;
    if (!wake) return;
    this.drained = undefined;
    this.wake = undefined;
    wake();
  }
}
