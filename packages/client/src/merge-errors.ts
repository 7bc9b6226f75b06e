/** Most row errors kept in memory for one job. */
export const MAX_ROW_ERRORS = 1_000;

/** Appends the errors of `incoming` not already in `existing`, in order, up to `max`; returns `existing` when nothing is new. */
export function mergeErrors(
  existing: readonly string[],
  incoming: readonly string[] | undefined,
  max: number = MAX_ROW_ERRORS,
): readonly string[] {
  if (!incoming || incoming.length === 0 || existing.length >= max) return existing;
  const seen = new Set(existing);
  const merged = [...existing];
  for (const error of incoming) {
    if (merged.length >= max) break;
    if (seen.has(error)) continue;
    seen.add(error);
    merged.push(error);
  }
  return merged.length === existing.length ? existing : merged;
}
