import type { DeliveredEvent } from '@jobstream/progress';
import type { Histogram } from 'prom-client';

/** One write in this many is observed. */
export const EMIT_LATENCY_SAMPLE_EVERY = 32;

/**
 * Emit-to-send latency, sampled: the time from an event's append (`DeliveredEvent.at`) to the moment a transport
 * writes it to a subscriber. `record` is called for every write on the delivery path, so it only counts down;
 * one write in `EMIT_LATENCY_SAMPLE_EVERY` (the first of all included) is timed and observed, which is what
 * allocates (prom-client's `observe` does). The histogram's count is therefore about 1/32 of the writes; its
 * distribution is theirs. Snapshots (a job's current state sent to a new or resuming subscriber) are not observed:
 * their event may have been recorded long before anyone asked for it.
 */
export class EmitLatency {
  private countdown = 1;

  constructor(
    private readonly histogram: Histogram,
    private readonly now: () => number = Date.now,
  ) {}

  /** A transport wrote `event`. */
  record(event: DeliveredEvent): void {
    if (--this.countdown > 0) return;
    this.countdown = EMIT_LATENCY_SAMPLE_EVERY;
    if (event.data.snapshot) return;
    this.histogram.observe(Math.max(0, this.now() - event.at) / 1000);
  }
}
