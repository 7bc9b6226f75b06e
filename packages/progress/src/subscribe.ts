import { formatEventId, parseEventId } from './event-id';
import type { RoomRegistry } from './room-registry';
import { type DeliveredEvent, isTerminalEvent, type StoredEvent } from './stored-event';

/** Options of one subscription. */
export interface SubscribeOptions {
  /** The id of the last event the subscriber received, to resume after it. */
  lastEventId?: string | null;
  /** Ends the subscription. */
  signal?: AbortSignal;
  /** Skip intermediate progress events when the subscriber falls behind (default true). */
  conflate?: boolean;
}

function deliver(event: StoredEvent, snapshot: boolean, missed: boolean): DeliveredEvent {
  const delivered = { id: formatEventId(event.seq), event: event.event, payload: event.payload } as DeliveredEvent;
  if (snapshot) delivered.snapshot = true;
  if (missed) delivered.missed = true;
  return delivered;
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
  if (!registry.get(jobId)) return undefined;
  return streamRoom(registry, jobId, options);
}

async function* streamRoom(
  registry: RoomRegistry,
  jobId: string,
  { lastEventId, signal, conflate = true }: SubscribeOptions,
): AsyncGenerator<DeliveredEvent, void> {
  const counters = registry.counters;
  const room = registry.join(jobId);
  if (!room) return;
  try {
    let cursor = parseEventId(lastEventId);
    let missedOnResume = lastEventId != null && cursor === undefined;
    let exact = cursor !== undefined;
    while (!signal?.aborted) {
      const batch = room.read(cursor, conflate && !exact);
      exact = false;
      if (batch.events.length === 0) {
        await room.changed(signal);
        continue;
      }
      counters.eventsConflated += batch.conflated;
      if (batch.snapshot) counters.snapshotsSent++;
      for (const event of batch.events) {
        cursor = event.seq;
        counters.eventsDelivered++;
        yield deliver(event, batch.snapshot, batch.missed || missedOnResume);
        missedOnResume = false;
        if (isTerminalEvent(event)) return;
      }
    }
  } finally {
    registry.leave(room);
  }
}
