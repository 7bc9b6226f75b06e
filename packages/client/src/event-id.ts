/** Orders two event ids: negative, zero or positive like a comparator; undefined when either is not a sequence number. */
export function compareEventIds(a: string, b: string): number | undefined {
  if (!/^\d{1,15}$/.test(a) || !/^\d{1,15}$/.test(b)) return undefined;
  return Number(a) - Number(b);
}
