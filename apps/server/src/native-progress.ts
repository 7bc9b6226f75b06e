import { type ApiContext, appRouter, claimProgressSubscription, terminalEventOf, transformer } from '@jobstream/api';
import { OnProgressInputSchema } from '@jobstream/contracts';
import { type JobRoom, RoomCursor, storedDelivery, Waiter } from '@jobstream/progress';
import { TRPCError } from '@trpc/server';
import { parseTRPCMessage, type TRPCRequestMessage } from '@trpc/server/rpc';
import {
  getErrorShape,
  getTRPCErrorFromUnknown,
  isObject,
  transformTRPCResponse,
} from '@trpc/server/unstable-core-do-not-import';
import type { WebSocket } from 'ws';
import { type DataMessage, dataMessage } from './data-message';
import { MicrotaskBatch } from './microtask-batch';
import { type Frame, frameWriter } from './ws-frame';

/** The subscription served natively; every other message goes to tRPC's handler. */
export const NATIVE_PATH = 'upload.onProgress';

type RequestId = number | string;

/** Every subscription's queued flush, run together at the end of the task that woke them. */
const flushes = new MicrotaskBatch();

interface Subscription {
  id: RequestId;
  /** The start of every message to this subscription: `{"id":…` plus `"jsonrpc"` when the client sent it. */
  head: string;
  input: unknown;
  open: boolean;
  ctx?: ApiContext;
  /** Gives the connection slot back, once one is held. */
  release?: () => void;
  room?: JobRoom;
  cursor?: RoomCursor;
  /** Waiting for the connection's send buffer to drain. */
  draining: boolean;
  /** It waited for a drain since its last take: the events recorded meanwhile may be conflated. */
  behind: boolean;
  /** A flush is queued for the end of the current task. */
  queued: boolean;
  /** The queued flush, one function for the subscription's whole life. */
  queuedFlush: () => void;
  /** Its place in the room's waiters while it waits for the next event. */
  waiter: Waiter;
}

/** What the native path needs from its connection. */
export interface NativeProgressOptions {
  socket: WebSocket;
  /** The connection's context, created once (after its connection params arrive). */
  context: () => Promise<ApiContext>;
  onError?: (error: TRPCError) => void;
}

/**
 * Serves `upload.onProgress` on one WebSocket straight from the job rooms, in tRPC's wire format: each event's
 * data is serialized and framed once for all subscribers and written to their sockets at the end of the task that
 * recorded it, so a subscriber costs a cursor and a callback instead of an async iterator, promise races and a JSON pass.
 * Semantics are those of the async-generator procedure (same cursor, same checks, same errors).
 */
export class NativeProgress {
  private readonly subscriptions = new Map<RequestId, Subscription>();
  /** Writes a pre-built frame, when the connection can take one. */
  private readonly writeFrame: ((frame: Frame) => void) | undefined;

  constructor(private readonly options: NativeProgressOptions) {
    this.writeFrame = frameWriter(options.socket);
  }

  /** Takes the requests of a decoded frame that are ours; returns what is left for tRPC (undefined if nothing). */
  intercept(frame: unknown): unknown {
    const items = Array.isArray(frame) ? frame : [frame];
    const rest = items.filter((item) => !this.take(item));
    if (rest.length === items.length) return frame;
    if (rest.length === 0) return undefined;
    return Array.isArray(frame) ? rest : rest[0];
  }

  /** Ends every subscription of a closed socket. */
  close(): void {
    for (const subscription of [...this.subscriptions.values()]) this.end(subscription, false);
  }

  private take(item: unknown): boolean {
    if (!isObject(item)) return false;
    if (item.method === 'subscription.stop') {
      const subscription = this.subscriptions.get(item.id as RequestId);
      if (!subscription) return false;
      this.end(subscription, true);
      return true;
    }
    if (item.method !== 'subscription' || !isObject(item.params) || item.params.path !== NATIVE_PATH) return false;
    let message: ReturnType<typeof parseTRPCMessage>;
    try {
      message = parseTRPCMessage(item, transformer);
    } catch {
      return false;
    }
    const { id } = message;
    if (!('params' in message) || message.method !== 'subscription' || id === null || this.subscriptions.has(id)) {
      return false;
    }
    void this.start(id, message);
    return true;
  }

  private async start(id: RequestId, message: TRPCRequestMessage): Promise<void> {
    const { jsonrpc, params } = message;
    const head = `{"id":${JSON.stringify(id)}${jsonrpc === undefined ? '' : ',"jsonrpc":"2.0"'}`;
    const input =
      params.lastEventId === undefined
        ? params.input
        : { ...(params.input as object), lastEventId: params.lastEventId };
    // Shorthand methods, not arrow properties: under tsx (esbuild's keepNames) each arrow assigned to a property
    // is renamed at run time, which gives every subscription's closures their own shape and property array.
    const native = this;
    const waiter = new Waiter(() => native.queueFlush(subscription));
    const subscription: Subscription = {
      id,
      head,
      input,
      open: true,
      queued: false,
      draining: false,
      behind: false,
      queuedFlush() {
        subscription.queued = false;
        native.flush(subscription);
      },
      waiter,
    };
    this.subscriptions.set(id, subscription);
    let started = false;
    try {
      const parsed = OnProgressInputSchema.safeParse(input);
      if (!parsed.success) throw new TRPCError({ code: 'BAD_REQUEST', cause: parsed.error });
      const ctx = await this.options.context();
      subscription.ctx = ctx;
      if (!subscription.open) return;
      this.send(`${head},"result":{"type":"started"}}`);
      started = true;
      const { job, release } = await claimProgressSubscription(ctx, parsed.data.jobId);
      subscription.release = release;
      if (!subscription.open) return release();
      const room = ctx.registry.join(job.jobId);
      if (!room) {
        const terminal = terminalEventOf(job);
        if (!terminal) throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${job.jobId}` });
        const event = storedDelivery(ctx.registry, terminal, parsed.data.lastEventId);
        if (event) this.sendData(dataMessage(head, event));
        return this.end(subscription, true);
      }
      subscription.room = room;
      subscription.cursor = new RoomCursor(room, ctx.registry.counters, { lastEventId: parsed.data.lastEventId });
      this.flush(subscription);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      this.options.onError?.(error);
      if (subscription.open) this.sendError(subscription, error);
      this.end(subscription, started);
    }
  }

  /**
   * Flushes at the end of the current task: a burst of events costs one wake-up, and its events are sent in
   * rounds (one per subscription per round, all rounds in the same microtask), so subscribers at the same position
   * send each event in a row and share its message and frame.
   */
  private queueFlush(subscription: Subscription): void {
    if (subscription.queued) return;
    subscription.queued = true;
    flushes.add(subscription.queuedFlush);
  }

  /**
   * Sends the subscriber's next event (or conflated batch, when it fell behind) while its connection is under the
   * send-buffer bound, then waits: for the next event, for its next round, or for the connection to drain.
   */
  private flush(subscription: Subscription): void {
    const { socket } = this.options;
    const { cursor, room, ctx } = subscription;
    if (!subscription.open || subscription.draining || !cursor || !room || !ctx) return;
    if (socket.readyState !== socket.OPEN) return;
    const drained = ctx.connection.writable();
    if (drained) {
      subscription.draining = true;
      subscription.behind = true;
      void drained.then(() => {
        subscription.draining = false;
        this.flush(subscription);
      });
      return;
    }
    const events = cursor.take(subscription.behind);
    subscription.behind = false;
    for (const event of events) this.sendData(dataMessage(subscription.head, event));
    if (cursor.done) this.end(subscription, true);
    else if (events.length === 0 || cursor.caughtUp) room.addWaiter(subscription.waiter);
    else this.queueFlush(subscription);
  }

  private end(subscription: Subscription, sendStopped: boolean): void {
    if (!subscription.open) return;
    subscription.open = false;
    this.subscriptions.delete(subscription.id);
    const ctx = subscription.ctx;
    if (subscription.room && ctx) {
      subscription.room.removeWaiter(subscription.waiter);
      ctx.registry.leave(subscription.room);
    }
    subscription.release?.();
    if (sendStopped) this.send(`${subscription.head},"result":{"type":"stopped"}}`);
  }

  private sendError(subscription: Subscription, error: TRPCError): void {
    const config = appRouter._def._config;
    const shape = getErrorShape({
      config,
      error,
      type: 'subscription',
      path: NATIVE_PATH,
      input: subscription.input,
      ctx: subscription.ctx,
    });
    const jsonrpc = subscription.head.includes('"jsonrpc"') ? ('2.0' as const) : undefined;
    this.send(JSON.stringify(transformTRPCResponse(config, { id: subscription.id, jsonrpc, error: shape })));
  }

  private sendData(message: DataMessage): void {
    const { socket } = this.options;
    if (socket.readyState !== socket.OPEN) return;
    if (this.writeFrame) this.writeFrame(message.frame);
    else socket.send(message.text);
  }

  private send(message: string): void {
    const { socket } = this.options;
    if (socket.readyState === socket.OPEN) socket.send(message);
  }
}
