import { afterEach, describe, expect, it, vi } from 'vitest';
import { RetentionQueue } from '../src/retention-queue';

afterEach(() => {
  vi.useRealTimers();
});

describe('RetentionQueue', () => {
  it('hands each item back once its delay has passed, in the order added, with one timer pending at a time', () => {
    vi.useFakeTimers();
    const due: string[] = [];
    using queue = new RetentionQueue<string>(1_000, (item) => due.push(item));
    queue.add('a');
    vi.advanceTimersByTime(400);
    queue.add('b');
    queue.add('c');
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(599);
    expect(due).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(due).toEqual(['a']);
    expect(queue.size).toBe(2);
    vi.advanceTimersByTime(400);
    expect(due).toEqual(['a', 'b', 'c']);
    expect(queue.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('keeps its order over many items, and starts again once empty', () => {
    vi.useFakeTimers();
    const due: number[] = [];
    using queue = new RetentionQueue<number>(50, (item) => due.push(item));
    for (let i = 0; i < 5_000; i++) {
      queue.add(i);
      if (i % 100 === 99) vi.advanceTimersByTime(1);
    }
    vi.advanceTimersByTime(100);
    expect(due).toEqual(Array.from({ length: 5_000 }, (_, i) => i));
    queue.add(-1);
    vi.advanceTimersByTime(50);
    expect(due.at(-1)).toBe(-1);
  });

  it('hands an item back before returning for a delay of 0, with no timer', () => {
    vi.useFakeTimers();
    const due: string[] = [];
    using queue = new RetentionQueue<string>(0, (item) => due.push(item));
    queue.add('a');
    expect(due).toEqual(['a']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('cancels everything pending when disposed', () => {
    vi.useFakeTimers();
    const due: string[] = [];
    const queue = new RetentionQueue<string>(1_000, (item) => due.push(item));
    queue.add('a');
    queue[Symbol.dispose]();
    vi.advanceTimersByTime(5_000);
    expect(due).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
  });
});
