import { parseEventId } from './event-id';
import { asSnapshot, type CursorOptions, RoomCursor } from './room-cursor';
import type { RoomRegistry } from './room-registry';
import { type DeliveredEvent, type StoredEvent, toDelivered } from './stored-event';
import { Waiter } from './waiter-list';

/** Options of one subscription. */
export interface SubscribeOptions extends CursorOptions {
  /** Ends the subscription. */
  signal?: AbortSignal;
  /** The job's terminal event from storage, served when its room has already left memory. */
  stored?: StoredEvent;
  /** Backpressure: undefined when the subscriber's connection can take more, else a promise that resolves when it can. */
  writable?: () => Promise<void> | undefined;
}

/**
 * Streams a known job's events: its current state first (or exactly what followed `lastEventId`), then every
 * later event, ending after the terminal one (at once for a `lastEventId` at or past it). Events recorded while
 * the consumer was not pulling, or while `writable` held it back, are conflated. Returns undefined for a job
 * the registry does not know.
 */
export function subscribeToJob(
  registry: RoomRegistry,
  jobId: string,
  options: SubscribeOptions = {},
): AsyncGenerator<DeliveredEvent, void> | undefined {
  if (registry.get(jobId)) return streamRoom(registry, jobId, options);
  if (options.stored) return streamStored(registry, options.stored, options.lastEventId);
  return undefined;
}

/** The stored terminal event as a subscriber at `lastEventId` should receive it: undefined when it already has it. */
export function storedDelivery(
  registry: RoomRegistry,
  terminal: StoredEvent,
  lastEventId: string | null | undefined,
): DeliveredEvent | undefined {
  const cursor = parseEventId(lastEventId);
  if (cursor !== undefined && cursor >= terminal.seq) return undefined;
  registry.counters.snapshotsSent++;
  registry.counters.eventsDelivered++;
  return asSnapshot(toDelivered(terminal), cursor !== undefined);
}

async function* streamStored(
  registry: RoomRegistry,
  terminal: StoredEvent,
  lastEventId: string | null | undefined,
): AsyncGenerator<DeliveredEvent, void> {
  const event = storedDelivery(registry, terminal, lastEventId);
  if (event) yield event;
}

async function* streamRoom(
  registry: RoomRegistry,
  jobId: string,
  { lastEventId, signal, conflate = true, writable }: SubscribeOptions,
): AsyncGenerator<DeliveredEvent, void> {
  const counters = registry.counters;
  const room = registry.join(jobId);
  if (!room) return;
  let resolveWait: (() => void) | undefined;
  const wake = () => {
    const resolve = resolveWait;
    resolveWait = undefined;
    resolve?.();
  };
  const waiter = new Waiter(wake);
  const onAbort = () => {
    room.removeWaiter(waiter);
    wake();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const cursor = new RoomCursor(room, counters, { lastEventId, conflate });
    // Behind: events were recorded while the subscriber could not take them (its connection was full, or its
    // consumer had not pulled yet). Only then are they conflated; waiting on the room, it gets every event.
    let behind = false;
    while (!signal?.aborted && !cursor.done) {
      const drained = writable?.();
      if (drained) {
        await new Promise<void>((resolve) => {
          resolveWait = resolve;
          drained.then(wake);
        });
        behind = true;
        continue;
      }
      const events = cursor.take(behind);
      behind = false;
      if (events.length === 0) {
        if (cursor.done) break;
        await new Promise<void>((resolve) => {
          resolveWait = resolve;
          room.addWaiter(waiter);
        });
        continue;
      }
      for (const event of events) {
        if (signal?.aborted) return;
        const seen = room.seq;
        yield event;
        if (room.seq !== seen) behind = true;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    room.removeWaiter(waiter);
    registry.leave(room);
  }
}
