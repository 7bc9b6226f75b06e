import { InMemoryJobEventLog, type InMemoryLogOptions } from './in-memory-log';
import type { JobEventLog } from './job-event-log';
import { createDeliveryMetrics, type DeliveryMetrics, type ProgressMetrics } from './metrics';
import { ProgressEmitter } from './progress-emitter';

/** Options of a progress hub: a log (in memory by default, with these bounds). */
export interface ProgressHubOptions extends InMemoryLogOptions {
  log?: JobEventLog;
}

/** The progress layer of one process: its event log, the emitter server code is given, and its subscriptions' counters. */
export interface ProgressHub extends Disposable {
  log: JobEventLog;
  emitter: ProgressEmitter;
  /** What the subscriptions of this process add to. */
  delivery: DeliveryMetrics;
  /** The log's and the subscriptions' gauges and counters together. */
  metrics(): ProgressMetrics;
}

/** Wires a log (in memory by default), its emitter and delivery counters together. */
export function createProgressHub(options: ProgressHubOptions = {}): ProgressHub {
  const { log = new InMemoryJobEventLog(options) } = options;
  const delivery = createDeliveryMetrics();
  return {
    log,
    emitter: new ProgressEmitter(log),
    delivery,
    metrics: () => ({ ...log.metrics(), ...delivery }),
    [Symbol.dispose]: () => log[Symbol.dispose](),
  };
}
