import type { ServerResponse } from 'node:http';
import type { ConnectionHandle } from '@jobstream/api';
import type { DeliveredEvent } from '@jobstream/progress';
import type { EmitLatency } from './metrics/emit-latency';
import type { TextFrameWriter } from './ws/text-frames';

/** Limits that apply to one connection's subscriptions. */
export interface ConnectionLimits {
  /** Bytes a connection may have queued before its subscriptions wait (and conflate). */
  sendBufferBytes: number;
  /** Subscriptions one connection may hold. */
  maxSubscriptions: number;
}

const POLL_MS = 10;

/**
 * Counts a connection's subscription slots and times the events it writes (`EmitLatency`); the transports add how
 * they wait for their send buffer.
 */
export abstract class SlotCountingHandle implements ConnectionHandle {
  readonly maxSubscriptions: number;
  private open = 0;

  constructor(
    protected readonly limits: ConnectionLimits,
    private readonly latency: EmitLatency,
  ) {
    this.maxSubscriptions = limits.maxSubscriptions;
  }

  sent(event: DeliveredEvent): void {
    this.latency.record(event);
  }

  openSubscription(): boolean {
    if (this.open >= this.maxSubscriptions) return false;
    this.open++;
    return true;
  }

  closeSubscription(): void {
    this.open--;
  }

  abstract writable(): Promise<void> | undefined;
}

/** A WebSocket's handle: writable while the bytes its kernel has not taken are under the limit; waits by polling otherwise. */
export class WsConnectionHandle extends SlotCountingHandle {
  constructor(
    private readonly writer: TextFrameWriter,
    limits: ConnectionLimits,
    latency: EmitLatency,
  ) {
    super(limits, latency);
  }

  writable(): Promise<void> | undefined {
    if (!this.blocked()) return undefined;
    return new Promise((resolve) => {
      const timer = setInterval(() => {
        if (this.blocked()) return;
        clearInterval(timer);
        resolve();
      }, POLL_MS);
    });
  }

  private blocked(): boolean {
    const { writer } = this;
    if (writer.bufferedBytes <= this.limits.sendBufferBytes) return false;
    // The bytes may be this turn's sends, held back: only what the kernel refuses once it has them counts.
    writer.flush();
    return writer.bufferedBytes > this.limits.sendBufferBytes && writer.open;
  }
}

/** An HTTP response's handle (one SSE stream per request): writable until a write is refused, then after its drain. */
export class HttpConnectionHandle extends SlotCountingHandle {
  constructor(
    private readonly res: ServerResponse,
    limits: ConnectionLimits,
    latency: EmitLatency,
  ) {
    super(limits, latency);
  }

  writable(): Promise<void> | undefined {
    const { res } = this;
    // Waits only when a write was refused ('drain' is certain then): at the response's high-water mark (16 KiB),
    // below `sendBufferBytes`, tRPC's own writer already waits for the same drain.
    if (!res.writableNeedDrain || res.destroyed) return undefined;
    return new Promise((resolve) => {
      const done = () => {
        res.off('drain', done);
        res.off('close', done);
        resolve();
      };
      res.on('drain', done);
      res.on('close', done);
    });
  }
}
