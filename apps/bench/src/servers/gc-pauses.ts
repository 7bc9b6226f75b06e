import { constants, type PerformanceEntry, PerformanceObserver } from 'node:perf_hooks';
import { GC_SPIKE_MS } from '../targets';

/** Garbage-collection pauses since the previous `take`. */
export interface GcPauses {
  /** Collections of any kind: how hard the process's allocation rate drives the collector. */
  collections: number;
  /** The longest pause, ms. */
  maxMs: number;
  /** Pauses longer than `GC_SPIKE_MS`. */
  spikes: number;
  /** Of those, young-generation collections (scavenges). */
  minorSpikes: number;
}

const MINOR = constants.NODE_PERFORMANCE_GC_MINOR;
const NONE: GcPauses = { collections: 0, maxMs: 0, spikes: 0, minorSpikes: 0 };
let current: GcPauses = { ...NONE };

new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    current.collections++;
    current.maxMs = Math.max(current.maxMs, entry.duration);
    if (entry.duration <= GC_SPIKE_MS) continue;
    current.spikes++;
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === MINOR) current.minorSpikes++;
  }
}).observe({ entryTypes: ['gc'] });

/** The pauses since the previous call (forced collections included). */
export function takeGcPauses(): GcPauses {
  const taken = current;
  current = { ...NONE };
  return taken;
}
