const UNITS = ['KB', 'MB', 'GB'] as const;

/** A file size in binary units as file managers show them (1 MB = 1,048,576 bytes): "512 B", "1.4 MB", "50 MB". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  let value = bytes;
  let unit: (typeof UNITS)[number] = 'KB';
  for (const next of UNITS) {
    value /= 1024;
    unit = next;
    if (value < 1024) break;
  }
  return `${value < 10 ? Number(value.toFixed(1)) : Math.round(value)} ${unit}`;
}
