import type { DeliveredEvent } from '@jobstream/progress';
import { eventJson } from './event-json';

/** The last message built: consecutive sends of one event (its fan-out) reuse it. Holds one event at most. */
let last: { event: DeliveredEvent; tail: string; head: string; message: string } | undefined;

/** Everything after the request id: `,"result":{"type":"data",…}}`. */
function tailOf(event: DeliveredEvent): string {
  const id = JSON.stringify(event.id);
  return `,"result":{"type":"data","id":${id},"data":{"json":{"id":${id},"data":${eventJson(event.data)}}}}}`;
}

/**
 * tRPC's data message carrying `event` to the subscription whose messages start with `head` (`{"id":…`). An
 * event sent to many subscribers in a row is serialized once, and its whole message reused for every
 * subscription with the same head (clients number their requests alike, so most share one).
 */
export function dataMessage(head: string, event: DeliveredEvent): string {
  if (last?.event !== event) {
    const tail = tailOf(event);
    last = { event, tail, head, message: head + tail };
  } else if (last.head !== head) {
    last.head = head;
    last.message = head + last.tail;
  }
  return last.message;
}
