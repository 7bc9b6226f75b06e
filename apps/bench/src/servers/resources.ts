import { PerformanceObserver } from 'node:perf_hooks';
import { sleep } from '../clock';
import type { ResourceSample } from '../protocol';

let gcMaxPauseMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMaxPauseMs = Math.max(gcMaxPauseMs, entry.duration);
}).observe({ entryTypes: ['gc'] });

/** The longest GC pause since the previous call, ms (forced collections included). */
function takeGcMaxPause(): number {
  const pause = gcMaxPauseMs;
  gcMaxPauseMs = 0;
  return pause;
}

/** This process's CPU time and memory; with `gc`, after full collections (needs --expose-gc). */
export async function sampleResources(options: { gc: boolean }): Promise<ResourceSample> {
  if (options.gc) {
    if (!globalThis.gc) throw new Error('run with --expose-gc to sample memory after GC');
    for (let i = 0; i < 3; i++) {
      globalThis.gc();
      await sleep(20);
    }
  }
  const cpu = process.cpuUsage();
  const memory = process.memoryUsage();
  return {
    cpuMicros: cpu.user + cpu.system,
    rssBytes: memory.rss,
    heapUsedBytes: memory.heapUsed,
    gcMaxPauseMs: takeGcMaxPause(),
  };
}
