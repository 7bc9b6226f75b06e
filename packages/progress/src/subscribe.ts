import { formatEventId, parseEventId } from './event-id';
import type { RoomRegistry } from './room-registry';
import { type DeliveredEvent, isTerminalEvent, type StoredEvent, wireData } from './stored-event';

/** Options of one subscription. */
export interface SubscribeOptions {
  /** The id of the last event the subscriber received, to resume after it. */
  lastEventId?: string | null;
  /** Ends the subscription. */
  signal?: AbortSignal;
  /** Skip intermediate progress events when the subscriber falls behind (default true). */
  conflate?: boolean;
  /** The job's terminal event from storage, served when its room has already left memory. */
  stored?: StoredEvent;
  /** Backpressure: undefined when the subscriber's connection can take more, else a promise that resolves when it can. */
  writable?: () => Promise<void> | undefined;
}

function deliver(event: StoredEvent, snapshot: boolean, missed: boolean): DeliveredEvent {
  const data = wireData(event);
  if (!snapshot) return { id: formatEventId(event.seq), data };
  return { id: formatEventId(event.seq), data: { ...data, snapshot: true, ...(missed ? { missed: true } : {}) } };
}

/**
 * Streams a known job's events: its current state first (or exactly what followed `lastEventId`), then every
 * later event, ending after the terminal one. Returns undefined for a job the registry does not know.
 */
export function subscribeToJob(
  registry: RoomRegistry,
  jobId: string,
  options: SubscribeOptions = {},
): AsyncGenerator<DeliveredEvent, void> | undefined {
  if (registry.get(jobId)) return streamRoom(registry, jobId, options);
  if (options.stored) return streamStored(registry, options.stored, parseEventId(options.lastEventId));
  return undefined;
}

async function* streamStored(
  registry: RoomRegistry,
  terminal: StoredEvent,
  cursor: number | undefined,
): AsyncGenerator<DeliveredEvent, void> {
  if (cursor !== undefined && cursor >= terminal.seq) return;
  registry.counters.snapshotsSent++;
  registry.counters.eventsDelivered++;
  yield deliver(terminal, true, cursor !== undefined);
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
  const onAbort = () => {
    room.removeWaiter(wake);
    wake();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    let cursor = parseEventId(lastEventId);
    let missedOnResume = lastEventId != null && cursor === undefined;
    let exact = cursor !== undefined;
    while (!signal?.aborted) {
      const drained = writable?.();
      if (drained) {
        await new Promise<void>((resolve) => {
          resolveWait = resolve;
          drained.then(wake);
        });
        continue;
      }
      const batch = room.read(cursor, conflate && !exact);
      exact = false;
      if (batch.events.length === 0) {
        await new Promise<void>((resolve) => {
          resolveWait = resolve;
          room.addWaiter(wake);
        });
        continue;
      }
      counters.eventsConflated += batch.conflated;
      if (batch.snapshot) counters.snapshotsSent++;
      for (const event of batch.events) {
        if (signal?.aborted) return;
        cursor = event.seq;
        counters.eventsDelivered++;
        yield deliver(event, batch.snapshot, batch.missed || missedOnResume);
        missedOnResume = false;
        if (isTerminalEvent(event)) return;
      }
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    room.removeWaiter(wake);
    registry.leave(room);
  }
}
