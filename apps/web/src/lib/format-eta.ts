/** Time left, rounded so it does not flicker: "less than 5 s", "about 40 s", "about 3 min", "about 1 h 10 min". */
export function formatEta(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  const seconds = ms / 1000;
  if (seconds < 5) return 'less than 5 s';
  if (seconds < 60) return `about ${Math.ceil(seconds / 5) * 5} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `about ${minutes} min`;
  return `about ${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}
