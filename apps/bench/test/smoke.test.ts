import { describe, expect, it } from 'vitest';
import { startLoadGenerator } from '../src/load/load-generator';
import type { ServerRow } from '../src/results';
import { runS1Latency } from '../src/scenarios/s1-latency';
import { runS1Throughput } from '../src/scenarios/s1-throughput';
import { runS2Fanout } from '../src/scenarios/s2-fanout';
import { runS3Memory } from '../src/scenarios/s3-memory';
import { runS4Import } from '../src/scenarios/s4-import';
import { SERVER_KINDS } from '../src/server-kinds';

function expectDelivered(row: ServerRow, subscribers: number) {
  expect(row.check.problems).toEqual([]);
  expect(row.load?.subscribers).toBe(subscribers);
  expect(row.load?.terminals).toBe(subscribers);
  expect(row.load?.wrongFinalState).toBe(0);
}

describe.concurrent('every scenario, tiny, against every server', () => {
  for (const kind of SERVER_KINDS) {
    it(`${kind}: each subscriber gets every terminal event with its exact last state`, async () => {
      await using load = await startLoadGenerator();
      const s1 = await runS1Throughput({
        kind,
        load,
        sizes: { jobs: 10, maxEvents: 20, maxMs: 5000, windowMessages: 10, chunkMessages: 5 },
        warmupMs: 5000,
      });
      expectDelivered(s1, 10);
      expect(s1.metrics.events).toBe(20);
      expect(s1.load?.delivered).toBe(30);

      const latency = await runS1Latency({ kind, load, sizes: { jobs: 10, eventsPerSecond: 100, durationMs: 200 } });
      expectDelivered(latency, 10);
      expect(latency.metrics.samples).toBeGreaterThan(0);
      expect(latency.metrics.p99Ms).toBeGreaterThan(0);

      const s2 = await runS2Fanout({
        kind,
        load,
        sizes: { subscribers: 10, maxEvents: 20, maxMs: 5000, windowEvents: 2 },
        warmupMs: 5000,
      });
      expectDelivered(s2, 10);
      expect(s2.metrics.events).toBe(20);
      expect(s2.load?.delivered).toBeLessThanOrEqual(20 * 10 + 10);

      const s3 = await runS3Memory({ kind, load, sizes: { subscribers: 10, settleMs: 0 } });
      expectDelivered(s3, 10);
      expect(Number.isFinite(s3.metrics.bytesPerSubscriber)).toBe(true);
    });
  }
});

describe('S4 import', () => {
  it('imports every row with the bare loop and with the engine, progress off and on', async () => {
    const runs = await runS4Import({ sizes: { rows: 500, repeats: 1 }, log: () => {} });
    expect(runs.map((r) => r.variant)).toEqual(['bare-loop', 'engine-progress-off', 'engine-progress-on']);
    for (const run of runs) {
      expect(run.check.problems).toEqual([]);
      expect(run.rows).toBe(500);
    }
    expect(runs[2]?.events).toBeGreaterThanOrEqual(2);
  });
});
