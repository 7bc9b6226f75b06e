import { describe, expect, it } from 'vitest';
import { retryDelayMs } from '../src/retry-delay';

describe('retryDelayMs', () => {
  it('doubles the ceiling per attempt and keeps at least half of it', () => {
    expect(retryDelayMs(0, () => 0)).toBe(250);
    expect(retryDelayMs(0, () => 1)).toBe(500);
    expect(retryDelayMs(3, () => 0)).toBe(2000);
    expect(retryDelayMs(3, () => 1)).toBe(4000);
  });

  it('is capped', () => {
    expect(retryDelayMs(30, () => 1)).toBe(15_000);
    expect(retryDelayMs(30, () => 0)).toBe(7500);
  });

  it('spreads clients out', () => {
    const delays = new Set(Array.from({ length: 20 }, () => retryDelayMs(4)));
    expect(delays.size).toBeGreaterThan(1);
  });
});
