import { sleep } from '../clock';
import type { ResourceSample } from '../protocol';
import { takeGcPauses } from './gc-pauses';

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
    gc: takeGcPauses(),
  };
}
