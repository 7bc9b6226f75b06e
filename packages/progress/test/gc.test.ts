import { randomUUID } from 'node:crypto';
import type { UploadProgress } from '@jobstream/contracts';
import { describe, expect, it } from 'vitest';
import { createProgressHub, jobEvents, type ProgressHub } from '../src/index';
import { logOf } from './event-ids';

const gc = globalThis.gc;

function progressOf(jobId: string, processed: number, status: 'started' | 'processing' = 'processing'): UploadProgress {
  return {
    jobId,
    templateName: 'users',
    status,
    progress: processed / 10,
    message: `at ${processed}`,
    processed,
    total: 1000,
  };
}

/** Lets pending jobs finish (WeakRef targets stay alive until the end of the current job), then collects, twice. */
async function collect(): Promise<void> {
  for (let i = 0; i < 3; i++) {
    await new Promise((resolve) => setImmediate(resolve));
    gc?.();
  }
}

/**
 * Streams `count` events of a job to a subscriber that holds nothing but WeakRefs to what it was given,
 * then ends the job (unless `end` is false). Runs in its own scope so no strong reference survives it.
 */
async function deliverAndForget(
  hub: ProgressHub,
  jobId: string,
  count: number,
  end: boolean,
): Promise<WeakRef<object>[]> {
  const refs: WeakRef<object>[] = [];
  hub.emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
  const abort = new AbortController();
  const stream = jobEvents(hub, jobId, { signal: abort.signal, conflate: false });
  let result = await stream.next();
  for (let i = 1; i <= count; i++) {
    if (result.done) throw new Error('stream ended early');
    refs.push(new WeakRef(result.value), new WeakRef(result.value.data.payload));
    hub.emitter.emitProgress(jobId, progressOf(jobId, i));
    result = await stream.next();
  }
  if (end) {
    hub.emitter.emitError(jobId, 'Stopped');
    while (!result.done) result = await stream.next();
  } else {
    abort.abort();
    await stream.return();
  }
  return refs;
}

describe.skipIf(gc === undefined)('memory (needs global.gc: vitest.config.ts runs workers with --expose-gc)', () => {
  it('lets every yielded event and payload be collected once an ended job leaves memory', async () => {
    using hub = createProgressHub({ retentionMs: 0 });
    const refs = await deliverAndForget(hub, randomUUID(), 200, true);
    expect(refs).toHaveLength(400);
    expect(hub.metrics().roomsActive).toBe(0);
    await collect();
    expect(refs.filter((ref) => ref.deref() !== undefined)).toHaveLength(0);
  });

  it('keeps only the bounded history of a running job: older payloads are collected', async () => {
    using hub = createProgressHub({ maxEvents: 5 });
    const jobId = randomUUID();
    const refs = await deliverAndForget(hub, jobId, 200, false);
    await collect();
    const alive = refs.map((ref) => ref.deref() !== undefined);
    // refs hold [event, payload] pairs for ids 1..200; the room still has the newest events (201 and its ring).
    expect(alive.slice(0, 2 * 190).filter(Boolean)).toHaveLength(0);
    const payloadOf199 = refs[2 * 199 - 1]?.deref() as UploadProgress | undefined;
    expect(payloadOf199?.processed).toBe(198); // sanity: payloads the ring still holds are not collected
    expect(logOf(hub).get(jobId)?.seq).toBe(201);
  });
});
