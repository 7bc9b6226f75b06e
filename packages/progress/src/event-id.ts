/** Event ids are a job's sequence numbers as decimal strings: strictly increasing per job. */
export function formatEventId(seq: number): string {
  return String(seq);
}

/** The sequence number in an event id, or undefined when the id is absent or not one of ours. */
export function parseEventId(id: string | null | undefined): number | undefined {
  if (id == null || !/^\d{1,15}$/.test(id)) return undefined;
  return Number(id);
}
