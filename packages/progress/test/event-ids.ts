import { type InMemoryJobEventLog, type ProgressHub, parseEventId } from '../src/index';

/** The in-memory log of a hub, whose rooms a test may look at. */
export function logOf(hub: ProgressHub): InMemoryJobEventLog {
  return hub.log as InMemoryJobEventLog;
}

/** An event id's sequence number as a string (the id itself when it is not one of ours). */
export function seqOf(id: string): string {
  const position = parseEventId(id);
  return position ? String(position.seq) : id;
}

/** The id of event number `seq` of a job in the hub's log (`<epoch>:<seq>`); `seq` as given when it is not a number. */
export function idOf(hub: ProgressHub, jobId: string, seq: string): string {
  const room = logOf(hub).get(jobId);
  return room && /^\d+$/.test(seq) ? `${room.epoch}:${seq}` : seq;
}
