import { waitFor } from '@jobstream/testing';
import { describe, expect, it, vi } from 'vitest';
import { type Batched, MicrotaskBatch } from '../src/microtask-batch';

function item(run: () => void): Batched {
  return { runBatched: run };
}

describe('MicrotaskBatch', () => {
  it('runs everything queued in one task together, after that task, in order', async () => {
    const batch = new MicrotaskBatch();
    const ran: string[] = [];
    const spy = vi.spyOn(globalThis, 'queueMicrotask');
    batch.add(item(() => ran.push('a')));
    batch.add(item(() => ran.push('b')));
    batch.add(item(() => batch.add(item(() => ran.push('queued while running')))));
    expect(ran).toEqual([]);
    expect(spy).toHaveBeenCalledTimes(1);
    spy.mockRestore();
    await Promise.resolve();
    await waitFor(() => expect(ran).toEqual(['a', 'b', 'queued while running']));
  });

  it('runs the others when one throws, and reports the error as uncaught', async () => {
    const batch = new MicrotaskBatch();
    const ran: string[] = [];
    const uncaught: unknown[] = [];
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', (error) => uncaught.push(error));
    try {
      batch.add(
        item(() => {
          throw new Error('boom');
        }),
      );
      batch.add(item(() => ran.push('after')));
      await waitFor(() => expect(uncaught).toHaveLength(1));
      expect(ran).toEqual(['after']);
      expect((uncaught[0] as Error).message).toBe('boom');
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
  });
});
