import type { LatencySummary } from '../protocol';

/** Keeps up to `capacity` latency samples (µs) and summarizes them. */
export class LatencyRecorder {
  private readonly samples: Float64Array;
  private count = 0;

  constructor(capacity: number) {
    this.samples = new Float64Array(capacity);
  }

  /** Adds one sample; samples past the capacity are dropped. */
  record(micros: number): void {
    if (this.count < this.samples.length) this.samples[this.count++] = micros;
  }

  /** p50, p99 and max of the samples so far. */
  summary(): LatencySummary {
    const sorted = this.samples.slice(0, this.count).sort();
    const at = (q: number) => sorted[Math.min(this.count - 1, Math.floor(q * this.count))] ?? 0;
    return { count: this.count, p50: at(0.5), p99: at(0.99), max: sorted[this.count - 1] ?? 0 };
  }
}
