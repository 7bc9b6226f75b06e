import { nowMicros } from '../clock';
import type { LoadReport } from '../protocol';
import type { JobEvent } from '../wire';
import { LatencyRecorder } from './latency';

const LATENCY_CAPACITY = 500_000;

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

/** What one subscriber has seen (see `wire.ts` for the meaning of `processed`). */
export class SubscriberState {
  /** Highest progress event number received. */
  lastK = 0;
  /** Progress events received in order. */
  received = 0;
  outOfOrder = 0;
  /** The `processed` of the terminal event, once received. */
  terminalK: number | undefined;
  /** `lastK` when the terminal event arrived. */
  finalK: number | undefined;
}

/** Counts deliveries and checks each subscriber's stream while a phase runs. */
export class Tally {
  readonly subscribers: SubscriberState[] = [];
  readonly errors: string[] = [];
  /** Progress messages caught up with, summed over subscribers: what flow control counts. */
  covered = 0;
  private delivered = 0;
  private terminals = 0;
  private lastReceiveAtMicros = 0;
  private latency: LatencyRecorder | undefined;
  private cpuAtReset = 0;
  private allTerminals: (() => void) | undefined;

  /** Registers a new subscriber. */
  add(): SubscriberState {
    const state = new SubscriberState();
    this.subscribers.push(state);
    return state;
  }

  /** Starts a phase: zeroes the counters, and records latency when asked. */
  reset(options: { recordLatency: boolean }): void {
    this.delivered = 0;
    this.covered = 0;
    this.cpuAtReset = cpuMicros();
    this.latency = options.recordLatency ? new LatencyRecorder(LATENCY_CAPACITY) : undefined;
  }

  /** Takes one event delivered to `state`'s subscriber. */
  receive(state: SubscriberState, event: JobEvent): void {
    const now = nowMicros();
    if (event.event === 'upload-progress') {
      const k = event.payload.processed ?? 0;
      if (k === 0) return;
      this.delivered++;
      this.latency?.record(now - Number(event.payload.message));
      if (k <= state.lastK) {
        state.outOfOrder++;
        return;
      }
      this.covered += k - state.lastK;
      state.lastK = k;
      state.received++;
      return;
    }
    this.delivered++;
    if (state.terminalK !== undefined) {
      state.outOfOrder++;
      return;
    }
    state.terminalK = event.event === 'upload-completed' ? event.payload.processed : -1;
    state.finalK = state.lastK;
    this.lastReceiveAtMicros = now;
    if (++this.terminals === this.subscribers.length) this.allTerminals?.();
  }

  /** Resolves when every subscriber has its terminal event or after `timeoutMs`, with the phase's report. */
  async report(options: { timeoutMs: number }): Promise<LoadReport> {
    if (this.terminals < this.subscribers.length) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, options.timeoutMs);
        this.allTerminals = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.allTerminals = undefined;
    }
    let missingTerminals = 0;
    let wrongFinalState = 0;
    let outOfOrder = 0;
    let skipped = 0;
    for (const state of this.subscribers) {
      if (state.terminalK === undefined) missingTerminals++;
      else if (state.finalK !== state.terminalK) wrongFinalState++;
      outOfOrder += state.outOfOrder;
      skipped += state.lastK - state.received;
    }
    return {
      subscribers: this.subscribers.length,
      delivered: this.delivered,
      terminals: this.terminals,
      missingTerminals,
      wrongFinalState,
      outOfOrder,
      skipped,
      errors: this.errors.slice(0, 10),
      lastReceiveAtMicros: this.lastReceiveAtMicros,
      loadCpuMicros: cpuMicros() - this.cpuAtReset,
      ...(this.latency ? { latency: this.latency.summary() } : {}),
    };
  }
}
