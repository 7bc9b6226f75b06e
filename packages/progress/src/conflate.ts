import type { StoredEvent } from './stored-event';

/**
 * Latest-wins: drops every progress event that is followed in `events` by another one with the same status,
 * so status changes and terminal events always survive. Payloads are whole states, so nothing is lost but steps.
 */
export function conflate(events: readonly StoredEvent[]): StoredEvent[] {
  const kept: StoredEvent[] = [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i] as StoredEvent;
    const next = events[i + 1];
    const superseded =
      next !== undefined &&
      event.event === 'upload-progress' &&
      next.event === 'upload-progress' &&
      next.payload.status === event.payload.status;
    if (!superseded) kept.push(event);
  }
  return kept;
}
