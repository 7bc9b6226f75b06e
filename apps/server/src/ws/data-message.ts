import type { DeliveredEvent } from '@jobstream/progress';
import { eventJson } from './event-json';
import { textFrame } from './text-frames';

/** A data message ready to send: its text, and its WebSocket frame, built once for all its sends. */
export interface DataMessage {
  readonly text: string;
  readonly frame: Buffer;
}

interface LastMessage extends DataMessage {
  /** What the message was built from: the stored payload object, the event's id, kind and flags. */
  payload: unknown;
  id: string;
  event: string;
  snapshot: boolean | undefined;
  missed: boolean | undefined;
  tail: string;
  head: string;
  text: string;
  frame: Buffer;
}

/** The last message built: consecutive sends of one event (its fan-out) reuse it. Holds one event at most. */
let last: LastMessage | undefined;

/**
 * Everything after the request id: `,"result":{"type":"data",…}}`, with its keys in the order tRPC's handler
 * writes them (it sets `result.id` after `result.data`).
 */
function tailOf(event: DeliveredEvent): string {
  const id = JSON.stringify(event.id);
  return `,"result":{"type":"data","data":{"json":{"id":${id},"data":${eventJson(event.data)}}},"id":${id}}}`;
}

/**
 * Whether `last` was built from this very event: subscribers each get their own delivered object, but the stored
 * payload object is the event's, and nothing mutates it.
 */
function isLast(event: DeliveredEvent): boolean {
  const { data } = event;
  return (
    last !== undefined &&
    last.payload === data.payload &&
    last.id === event.id &&
    last.event === data.event &&
    last.snapshot === data.snapshot &&
    last.missed === data.missed
  );
}

/**
 * tRPC's data message carrying `event` to the subscription whose messages start with `head` (`{"id":…`). An
 * event sent to many subscribers in a row is serialized once, and its whole message reused for every
 * subscription with the same head (clients number their requests alike, so most share one), and framed once.
 */
export function dataMessage(head: string, event: DeliveredEvent): DataMessage {
  if (!last || !isLast(event)) {
    const tail = tailOf(event);
    const text = head + tail;
    const { payload, event: kind, snapshot, missed } = event.data;
    last = { payload, id: event.id, event: kind, snapshot, missed, tail, head, text, frame: textFrame(text) };
  } else if (last.head !== head) {
    last.head = head;
    last.text = head + last.tail;
    last.frame = textFrame(last.text);
  }
  return last;
}
