/** Bounds of the reconnect delays. */
export interface RetryDelayOptions {
  /** Ceiling of the first delay; each later ceiling doubles it. */
  baseMs: number;
  /** Highest ceiling. */
  maxMs: number;
}

/** Defaults: ceilings of 0.5 s, 1 s, 2 s ... up to 15 s. */
export const RETRY_DELAY_DEFAULTS: RetryDelayOptions = { baseMs: 500, maxMs: 15_000 };

/**
 * Reconnect delay before attempt `attemptIndex` (0 first): exponential backoff with "equal jitter" (half the
 * ceiling fixed, half random), so clients dropped together by a server restart do not all come back in step.
 */
export function retryDelayMs(
  attemptIndex: number,
  random: () => number = Math.random,
  options: RetryDelayOptions = RETRY_DELAY_DEFAULTS,
): number {
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** Math.max(0, attemptIndex));
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}
