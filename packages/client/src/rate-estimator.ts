/** Tuning of the rate estimator. */
export interface RateOptions {
  /** Samples closer together than this are merged into the next one, so bursts do not spike the rate. */
  minIntervalMs: number;
  /** Time for an old rate's weight to halve in the moving average. */
  halfLifeMs: number;
  /** Samples needed before a rate (and so an ETA) is shown. */
  minSamples: number;
}

/** Defaults: a sample at most every 250 ms, a 3 s half-life, shown after 3 samples. */
export const RATE_DEFAULTS: RateOptions = { minIntervalMs: 250, halfLifeMs: 3_000, minSamples: 3 };

/** A smoothed rows-per-second estimate built from (processed, time) samples. */
export interface RateEstimate {
  /** Rows per second, exponentially smoothed; undefined before the first interval. */
  rate: number | undefined;
  /** Intervals folded into `rate`. */
  samples: number;
  /** The last baseline: rows processed and when. */
  lastProcessed: number | undefined;
  lastAt: number | undefined;
}

/** An estimate with no samples. */
export const EMPTY_RATE: RateEstimate = { rate: undefined, samples: 0, lastProcessed: undefined, lastAt: undefined };

/** Folds one observation (rows processed so far at time `at`, in ms) into the estimate. */
export function addRateSample(
  estimate: RateEstimate,
  processed: number,
  at: number,
  options: RateOptions = RATE_DEFAULTS,
): RateEstimate {
  const { lastProcessed, lastAt } = estimate;
  if (lastProcessed === undefined || lastAt === undefined || processed < lastProcessed || at < lastAt) {
    return { ...EMPTY_RATE, lastProcessed: processed, lastAt: at };
  }
  const elapsed = at - lastAt;
  if (elapsed < options.minIntervalMs) return estimate;
  const instant = ((processed - lastProcessed) / elapsed) * 1000;
  const weight = 1 - 2 ** (-elapsed / options.halfLifeMs);
  const rate = estimate.rate === undefined ? instant : estimate.rate + weight * (instant - estimate.rate);
  return { rate, samples: estimate.samples + 1, lastProcessed: processed, lastAt: at };
}

/** The smoothed rate in rows per second once enough samples back it, else undefined. */
export function visibleRate(estimate: RateEstimate, options: RateOptions = RATE_DEFAULTS): number | undefined {
  if (estimate.samples < options.minSamples || estimate.rate === undefined) return undefined;
  return estimate.rate;
}

/** Milliseconds left to process `total` rows at the visible rate, or undefined while that is not meaningful. */
export function estimateEtaMs(
  estimate: RateEstimate,
  processed: number | undefined,
  total: number | undefined,
  options: RateOptions = RATE_DEFAULTS,
): number | undefined {
  const rate = visibleRate(estimate, options);
  if (rate === undefined || rate <= 0 || processed === undefined || total === undefined || total <= 0) {
    return undefined;
  }
  return (Math.max(0, total - processed) / rate) * 1000;
}
