import { describe, expect, it } from 'vitest';
import { MessageRate } from '../../src/ws/message-rate';

describe('MessageRate', () => {
  it('allows a burst of perSecond, then refills at perSecond a second, never above perSecond', () => {
    let now = 1_000;
    const rate = new MessageRate(10, () => now);
    for (let i = 0; i < 10; i++) expect(rate.take()).toBe(true);
    expect(rate.take()).toBe(false);
    now += 100; // one token
    expect(rate.take()).toBe(true);
    expect(rate.take()).toBe(false);
    now += 60_000; // refilled, capped at 10
    for (let i = 0; i < 10; i++) expect(rate.take()).toBe(true);
    expect(rate.take()).toBe(false);
  });

  it('spends a batch’s count at once, and spends nothing when it does not fit', () => {
    let now = 0;
    const rate = new MessageRate(5, () => now);
    expect(rate.take(4)).toBe(true);
    expect(rate.take(2)).toBe(false);
    expect(rate.take(1)).toBe(true);
    now += 250; // 1.25 tokens
    expect(rate.take(2)).toBe(false);
    expect(rate.take(1)).toBe(true);
    now += 150; // 0.25 + 0.75 = 1 token
    expect(rate.take(1)).toBe(true);
  });
});
