import { describe, expect, it } from 'vitest';
import { mergeErrors } from '../src/merge-errors';

describe('mergeErrors', () => {
  it('appends only new errors, in order', () => {
    expect(mergeErrors(['a', 'b'], ['b', 'c', 'a', 'd'])).toEqual(['a', 'b', 'c', 'd']);
  });

  it('returns the same array when nothing is new', () => {
    const existing = ['a', 'b'];
    expect(mergeErrors(existing, ['a'])).toBe(existing);
    expect(mergeErrors(existing, undefined)).toBe(existing);
  });

  it('stops at the cap', () => {
    expect(mergeErrors(['a'], ['b', 'c', 'd'], 3)).toEqual(['a', 'b', 'c']);
  });
});
