import { describe, expect, it } from 'vitest';
import { addRateSample, EMPTY_RATE, estimateEtaMs, type RateEstimate, visibleRate } from '../src/rate-estimator';

function feed(samples: Array<[processed: number, at: number]>, start: RateEstimate = EMPTY_RATE): RateEstimate {
  return samples.reduce((estimate, [processed, at]) => addRateSample(estimate, processed, at), start);
}

describe('rate estimator', () => {
  it('shows no rate or ETA until three intervals back it', () => {
    const two = feed([
      [0, 0],
      [100, 1000],
      [200, 2000],
    ]);
    expect(two.samples).toBe(2);
    expect(visibleRate(two)).toBeUndefined();
    expect(estimateEtaMs(two, 200, 1000)).toBeUndefined();
    const three = addRateSample(two, 300, 3000);
    expect(visibleRate(three)).toBeCloseTo(100);
    expect(estimateEtaMs(three, 300, 1000)).toBeCloseTo(7000);
  });

  it('smooths a sudden change instead of jumping to it', () => {
    const steady = feed([
      [0, 0],
      [100, 1000],
      [200, 2000],
      [300, 3000],
    ]);
    const burst = addRateSample(steady, 1300, 4000);
    const rate = visibleRate(burst) ?? 0;
    expect(rate).toBeGreaterThan(100);
    expect(rate).toBeLessThan(1000);
    const calm = feed(
      [
        [1400, 5000],
        [1500, 6000],
        [1600, 7000],
        [1700, 8000],
        [1800, 9000],
        [1900, 10_000],
      ],
      burst,
    );
    expect(visibleRate(calm) ?? 0).toBeLessThan(rate);
  });

  it('weighs samples by the time between them: a longer interval moves the average more', () => {
    const base = feed([
      [0, 0],
      [100, 1000],
    ]);
    const short = addRateSample(base, 100 + 500 * 0.5, 1500);
    const long = addRateSample(base, 100 + 500 * 5, 6000);
    expect(short.rate).toBeLessThan(long.rate ?? 0);
  });

  it('merges samples closer than the minimum interval into the next one', () => {
    const base = feed([[0, 0]]);
    const early = addRateSample(base, 5000, 10);
    expect(early).toBe(base);
    const later = addRateSample(early, 5000, 1000);
    expect(later.rate).toBeCloseTo(5000);
  });

  it('starts over when the count goes backwards', () => {
    const running = feed([
      [0, 0],
      [100, 1000],
      [200, 2000],
      [300, 3000],
    ]);
    const restarted = addRateSample(running, 10, 4000);
    expect(restarted).toEqual({ rate: undefined, samples: 0, lastProcessed: 10, lastAt: 4000 });
  });

  it('gives no ETA without a total, with a zero rate, and zero once done', () => {
    const stalled = feed([
      [100, 0],
      [100, 1000],
      [100, 2000],
      [100, 3000],
    ]);
    expect(visibleRate(stalled)).toBe(0);
    expect(estimateEtaMs(stalled, 100, 1000)).toBeUndefined();
    const running = feed([
      [0, 0],
      [100, 1000],
      [200, 2000],
      [300, 3000],
    ]);
    expect(estimateEtaMs(running, 300, undefined)).toBeUndefined();
    expect(estimateEtaMs(running, 1000, 1000)).toBe(0);
  });
});
