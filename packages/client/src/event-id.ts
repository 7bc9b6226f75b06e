const EVENT_ID = /^([A-Za-z0-9_-]{1,16}):(\d{1,15})$/;

/**
 * Orders two event ids of one job (`<epoch>:<seq>`): negative, zero or positive like a comparator. Undefined when
 * they are from different epochs (the server's history of the job started again) or either is not such an id:
 * they cannot be ordered, only told equal or not.
 */
export function compareEventIds(a: string, b: string): number | undefined {
  const first = EVENT_ID.exec(a);
  const second = EVENT_ID.exec(b);
  if (!first || !second || first[1] !== second[1]) return undefined;
  return Number(first[2]) - Number(second[2]);
}
