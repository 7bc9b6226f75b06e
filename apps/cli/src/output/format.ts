const counts = new Intl.NumberFormat('en-US');

/** A count with thousands separators: 12,345. */
export function formatCount(n: number): string {
  return counts.format(n);
}

/** A size in decimal units: "512 B", "1.4 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  let value = bytes;
  let unit = '';
  for (const next of ['KB', 'MB', 'GB']) {
    value /= 1000;
    unit = next;
    if (value < 1000) break;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${unit}`;
}

/** A duration for people: "850 ms", "4.2 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(Math.floor(ms / 100) / 10).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min ${String(seconds % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

/** Time left, short and rounded up so it does not flicker: "<5s", "35s", "3m", "1h10m". */
export function formatEta(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 5) return '<5s';
  if (seconds < 60) return `${Math.ceil(seconds / 5) * 5}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** Rows per second, whole above ten: "12,346 rows/s", "2.5 rows/s". */
export function formatRate(rowsPerSecond: number): string {
  const shown = rowsPerSecond >= 10 ? Math.round(rowsPerSecond) : Math.round(rowsPerSecond * 10) / 10;
  return `${formatCount(shown)} rows/s`;
}

/** A date as local "YYYY-MM-DD HH:MM". */
export function formatDateTime(date: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
