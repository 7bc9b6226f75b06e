import { asSnapshot, type CursorOptions, DeliveryCursor } from './delivery-cursor';
import { parseEventId } from './event-id';
import type { JobEventLog } from './job-event-log';
import type { JobRoom } from './job-room';
import type { DeliveryMetrics } from './metrics';
import { type Batched, MicrotaskBatch } from './microtask-batch';
import { type DeliveredEvent, type StoredEvent, toDelivered } from './stored-event';
import { Waiter } from './waiter-list';

/** What a transport gives a subscription: how to send, and whether its connection can take more. */
export interface SubscriptionSink {
  /** Undefined while the connection can take more, else a promise that resolves once it can (or has closed). */
  writable(): Promise<void> | undefined;
  /** Sends the next event; events come in order, one call each. */
  send(event: DeliveredEvent): void;
  /** The stream is over: after the terminal event, or at once for a subscriber that already has it. */
  end(): void;
}

/** Options of one subscription. */
export interface JobSubscriptionOptions extends CursorOptions {
  /** The job's terminal event from the store, served when the log no longer holds the job. */
  stored?: StoredEvent;
  /** Called once when the subscription ends, however it ends. */
  onClose?: () => void;
}

/** Every subscription's queued flush, run together at the end of the task that woke them. */
const flushes = new MicrotaskBatch();

/** The stored terminal event as a subscriber at `lastEventId` should receive it: undefined when it already has it. */
function storedDelivery(terminal: StoredEvent, lastEventId: string | null | undefined): DeliveredEvent | undefined {
  const position = parseEventId(lastEventId);
  const sameHistory = position !== undefined && terminal.id.startsWith(`${position.epoch}:`);
  if (sameHistory && position.seq >= terminal.seq) return undefined;
  return asSnapshot(toDelivered(terminal), lastEventId != null);
}

/**
 * One subscriber's delivery of one job's events, the same for every transport: it opens the job's room in the
 * log, sends what the cursor says (the current state or a resume's replay, then each new event, conflating only
 * what was recorded while the connection made it wait), ends after the terminal event, and gives everything back
 * on `close`, however the subscription ends. The transport only encodes and writes (`SubscriptionSink`).
 *
 * Wake-ups are batched: a room's append queues a flush for the end of the current task, and all flushes a burst
 * queued run in one microtask, in rounds of one event per subscription, so that subscribers at the same position
 * send each event in a row (a transport can then encode it once for all of them).
 */
export class JobSubscription extends Waiter implements Batched {
  private room: JobRoom | undefined;
  private cursor: DeliveryCursor | undefined;
  private closed = false;
  /** Waiting for the connection to take more. */
  private draining = false;
  /**
   * The room's newest event when the subscriber last could take more (its last send, or when it last caught up):
   * a wait for the connection counts from there, so only what was recorded after it is conflated.
   */
  private since = 0;
  /** A flush is queued for the end of the current task. */
  private queued = false;

  constructor(
    private readonly log: JobEventLog,
    private readonly sink: SubscriptionSink,
    private readonly delivery: DeliveryMetrics,
    private readonly options: JobSubscriptionOptions = {},
  ) {
    // It is its own room waiter and batch item: waiting for an event and queueing a flush allocate nothing.
    super();
    delivery.subscriptionsActive++;
  }

  /**
   * Opens the job's room and starts sending. Resolves false, closed and having sent nothing, when neither the log
   * nor the store knows the job; true otherwise (the subscription may already have ended, for an ended job).
   */
  async start(jobId: string): Promise<boolean> {
    const room = await this.log.open(jobId);
    if (this.closed) {
      if (room) this.log.close(room);
      return true;
    }
    if (!room) return this.serveStored();
    this.room = room;
    this.cursor = new DeliveryCursor(room, this.delivery, this.options);
    this.flush();
    return true;
  }

  /**
   * The transport could take nothing from the last send until now, without the subscription having asked (a
   * pulling consumer that was away): what was recorded meanwhile may be conflated, as after a wait.
   */
  waited(): void {
    this.cursor?.waited(this.since);
  }

  /** Ends the subscription: stops waiting, leaves the room, calls `onClose`. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.room) {
      this.room.removeWaiter(this);
      this.log.close(this.room);
    }
    this.delivery.subscriptionsActive--;
    this.options.onClose?.();
  }

  /** A job the log no longer holds: its stored terminal event, unless the subscriber has it; false without one. */
  private serveStored(): boolean {
    const { stored } = this.options;
    if (!stored) {
      this.close();
      return false;
    }
    const event = storedDelivery(stored, this.options.lastEventId);
    if (event) {
      this.delivery.snapshotsSent++;
      this.delivery.eventsDelivered++;
      this.sink.send(event);
    }
    this.finish();
    return true;
  }

  /** The room's next event (or the next round of a flush): queues a flush for the end of the current task. */
  override wake(): void {
    if (this.queued) return;
    this.queued = true;
    flushes.add(this);
  }

  /** Runs the queued flush, with every other subscription's of the same task. */
  runBatched(): void {
    this.queued = false;
    this.flush();
  }

  /**
   * Sends the subscriber's next event (or conflated batch) while its connection can take it, then waits: for the
   * next event, for its next round, or for the connection.
   */
  private flush(): void {
    const { cursor, room } = this;
    if (this.closed || this.draining || !cursor || !room) return;
    const drained = this.sink.writable();
    if (drained) {
      this.draining = true;
      const from = this.since;
      void drained.then(() => {
        this.draining = false;
        cursor.waited(from);
        this.flush();
      });
      return;
    }
    const events = cursor.take();
    for (const event of events) this.sink.send(event);
    this.since = room.seq;
    if (cursor.done) this.finish();
    else if (events.length === 0 || cursor.caughtUp) room.addWaiter(this);
    else this.wake();
  }

  /** The stream is over: everything is given back before the transport says so, so a slot is free when the client hears it. */
  private finish(): void {
    this.close();
    this.sink.end();
  }
}
