import { describe, expect, it } from 'vitest';
import { formatBytes } from '../src/lib/format-bytes';
import { formatCount } from '../src/lib/format-count';
import { formatDuration } from '../src/lib/format-duration';
import { formatEta } from '../src/lib/format-eta';
import { formatRate } from '../src/lib/format-rate';
import { formatRelativeTime } from '../src/lib/format-relative-time';

describe('formatting', () => {
  it('formats counts with separators', () => {
    expect(formatCount(0)).toBe('0');
    expect(formatCount(1234567)).toBe('1,234,567');
  });

  it('formats durations at a precision that fits their size', () => {
    expect(formatDuration(850)).toBe('850 ms');
    expect(formatDuration(4_250)).toBe('4.2 s');
    expect(formatDuration(42_400)).toBe('42 s');
    expect(formatDuration(185_000)).toBe('3 min 05 s');
    expect(formatDuration(3_720_000)).toBe('1 h 02 min');
    expect(formatDuration(-1)).toBe('—');
  });

  it('rounds time left so it does not flicker', () => {
    expect(formatEta(1_200)).toBe('less than 5 s');
    expect(formatEta(31_000)).toBe('about 35 s');
    expect(formatEta(59_000)).toBe('about 60 s');
    expect(formatEta(150_000)).toBe('about 3 min');
    expect(formatEta(4_200_000)).toBe('about 1 h 10 min');
    expect(formatEta(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('formats rates, whole above ten rows per second', () => {
    expect(formatRate(12_345.6)).toBe('12,346 rows/s');
    expect(formatRate(2.54)).toBe('2.5 rows/s');
  });

  it('formats sizes in binary units, as file managers do, so the 50 MiB limit reads "50 MB"', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1_400)).toBe('1.4 KB');
    expect(formatBytes(8_177_276)).toBe('7.8 MB');
    expect(formatBytes(52_428_800)).toBe('50 MB');
    expect(formatBytes(63 * 1024 * 1024)).toBe('63 MB');
    expect(formatBytes(250_000_000)).toBe('238 MB');
    expect(formatBytes(3_000_000_000)).toBe('2.8 GB');
  });

  it('formats how long ago something happened', () => {
    const now = new Date('2025-01-01T12:00:00Z');
    expect(formatRelativeTime(new Date('2025-01-01T11:59:40Z'), now)).toBe('just now');
    expect(formatRelativeTime(new Date('2025-01-01T11:55:00Z'), now)).toBe('5 minutes ago');
    expect(formatRelativeTime(new Date('2025-01-01T09:00:00Z'), now)).toBe('3 hours ago');
    expect(formatRelativeTime(new Date('2024-12-31T10:00:00Z'), now)).toBe('yesterday');
  });
});
