import type { DeliveredEvent } from '@jobstream/progress';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { EMIT_LATENCY_SAMPLE_EVERY, EmitLatency } from '../../src/metrics/emit-latency';
import { parseMetrics } from '../fixtures';

function event(at: number, snapshot?: true): DeliveredEvent {
  const payload = { jobId: 'j', templateName: 'users', status: 'processing', progress: 1, message: '' } as const;
  return { id: 'e:1', data: { event: 'upload-progress', payload, ...(snapshot ? { snapshot } : {}) }, at };
}

async function histogramOf(registry: Registry) {
  const values = parseMetrics(await registry.metrics());
  return {
    count: values.latency_count,
    sum: values.latency_sum,
    bucket: (le: number) => values[`latency_bucket{le="${le}"}`],
  };
}

describe('EmitLatency', () => {
  it('observes the time from the event being recorded to now, in seconds, for one write in 32', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'latency', help: 'h', buckets: [0.1, 0.25, 1], registers: [registry] });
    let now = 1_250;
    const latency = new EmitLatency(histogram, () => now);
    latency.record(event(1_000)); // the first write: sampled, 250 ms
    for (let i = 1; i < EMIT_LATENCY_SAMPLE_EVERY; i++) latency.record(event(0)); // skipped, however late
    now = 2_000;
    latency.record(event(1_950)); // the 33rd: sampled, 50 ms
    const observed = await histogramOf(registry);
    expect(observed.count).toBe(2);
    expect(observed.sum).toBeCloseTo(0.3);
    expect([observed.bucket(0.1), observed.bucket(0.25), observed.bucket(1)]).toEqual([1, 2, 2]);
  });

  it('skips a sampled snapshot (its event may be old) and takes the sample after the next 32 writes', async () => {
    const registry = new Registry();
    const histogram = new Histogram({ name: 'latency', help: 'h', buckets: [1], registers: [registry] });
    const latency = new EmitLatency(histogram, () => 10_000);
    latency.record(event(0, true));
    for (let i = 1; i < EMIT_LATENCY_SAMPLE_EVERY; i++) latency.record(event(0));
    expect((await histogramOf(registry)).count).toBe(0);
    latency.record(event(9_500));
    expect(await histogramOf(registry)).toMatchObject({ count: 1, sum: 0.5 });
  });
});
