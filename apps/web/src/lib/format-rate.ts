import { formatCount } from './format-count';

/** Rows per second, whole above 10: "1,250 rows/s", "2.5 rows/s". */
export function formatRate(rowsPerSecond: number): string {
  const shown = rowsPerSecond >= 10 ? Math.round(rowsPerSecond) : Math.round(rowsPerSecond * 10) / 10;
  return `${formatCount(shown)} rows/s`;
}
