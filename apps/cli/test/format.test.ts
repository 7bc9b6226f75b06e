import { describe, expect, it } from 'vitest';
import { formatBytes, formatCount, formatDuration, formatEta, formatRate } from '../src/output/format';
import { rejectedRowCount, rejectedSoFar } from '../src/output/rejected-rows';

describe('terminal formatting', () => {
  it('formats counts, sizes, durations and rates', () => {
    expect(formatCount(1234567)).toBe('1,234,567');
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(8_177_276)).toBe('8.2 MB');
    expect(formatBytes(20_706_178)).toBe('21 MB');
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_250)).toBe('4.2 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatRate(12_345.6)).toBe('12,346 rows/s');
    expect(formatRate(2.54)).toBe('2.5 rows/s');
  });

  it('rounds time left up, so that it does not flicker', () => {
    expect(formatEta(1_200)).toBe('<5s');
    expect(formatEta(31_000)).toBe('35s');
    expect(formatEta(150_000)).toBe('3m');
    expect(formatEta(4_200_000)).toBe('1h10m');
  });
});

describe('rejected rows while a job runs', () => {
  it('counts the rows the errors name, a row with several errors once', () => {
    expect(
      rejectedRowCount(['Row 3: email: Invalid email address', 'Row 3: name: is required', 'Row 9: role: x']),
    ).toBe(2);
    expect(rejectedSoFar([])).toBe('0');
  });

  it('is a lower bound once the events carry as many errors as they hold', () => {
    const errors = Array.from({ length: 100 }, (_, i) => `Row ${Math.floor(i / 2) + 1}: field ${i % 2}: bad`);
    expect(rejectedSoFar(errors)).toBe('50+');
    expect(rejectedSoFar(errors.slice(0, 99))).toBe('50');
  });
});
