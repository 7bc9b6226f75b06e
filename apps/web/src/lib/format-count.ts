const counts = new Intl.NumberFormat('en-US');

/** A row count with thousands separators: 12,345. */
export function formatCount(n: number): string {
  return counts.format(n);
}
