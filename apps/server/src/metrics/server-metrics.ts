import type { ProgressMetrics } from '@jobstream/progress';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { EmitLatency } from './emit-latency';

/** Gauges the transports add to the progress layer's, read at each scrape. */
export interface TransportMetrics {
  wsConnections: number;
  /** Bytes queued in WebSocket send buffers, summed over connections. */
  wsBufferedBytes: number;
  /** Upload bodies being received. */
  uploadsReceiving: number;
  /** Bytes of spooled uploads on disk, received or being received, until their import ends. */
  spoolBytes: number;
  /** Open Socket.IO connections (the compatibility path). */
  socketioConnections: number;
  /** Bytes handed to Engine.IO and not yet written out, summed over Socket.IO connections. */
  socketioQueuedBytes: number;
  /** Job channels this instance subscribes to on Redis (0 without `REDIS_URL`). */
  redisSubscriptions: number;
}

/** What a scrape reads: the progress layer's and the transports' current values. */
export interface MetricSources {
  progress(): ProgressMetrics;
  transport(): TransportMetrics;
}

/** How an import ended, as its job is stored. */
export type ImportOutcome = 'completed' | 'failed';

let processRegistry: Registry | undefined;

/**
 * The process's own metrics (CPU, memory, handles, GC pauses, event-loop delay: prom-client's defaults), collected
 * once per process however many servers it runs, since they describe the process.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

type GaugeName = keyof TransportMetrics | 'roomsActive' | 'subscriptionsActive' | 'listenersActive';
type CounterName = 'eventsEmitted' | 'eventsDelivered' | 'eventsConflated' | 'snapshotsSent';

/**
 * One server's metrics in Prometheus's text format, with prom-client: the process's defaults, the progress layer's
 * and transports' gauges and counters (kept as plain numbers where they change, on the delivery path, and copied
 * into prom-client at each scrape), and three histograms: emit-to-send latency, import duration and import rows/s.
 */
export class ServerMetrics {
  /** Observed by the transports for each event they write (sampled). */
  readonly emitLatency: EmitLatency;
  private readonly registry = new Registry();
  private readonly gauges: Record<GaugeName, Gauge>;
  private readonly counters: Record<CounterName, Counter>;
  private readonly importSeconds: Histogram<'status'>;
  private readonly importRowsPerSecond: Histogram<'status'>;

  constructor(private readonly sources: MetricSources) {
    const registers = [this.registry];
    const gauge = (name: string, help: string) => new Gauge({ name, help, registers });
    const counter = (name: string, help: string) => new Counter({ name, help, registers });
    this.gauges = {
      roomsActive: gauge('jobstream_rooms_active', 'Job rooms held in memory.'),
      subscriptionsActive: gauge('jobstream_subscriptions_active', 'Open job subscriptions.'),
      listenersActive: gauge('jobstream_listeners_active', 'Subscriptions waiting for the next event.'),
      wsConnections: gauge('jobstream_ws_connections', 'Open WebSocket connections.'),
      wsBufferedBytes: gauge('jobstream_ws_buffered_bytes', 'Bytes queued in WebSocket send buffers.'),
      uploadsReceiving: gauge('jobstream_uploads_receiving', 'Upload bodies being received.'),
      spoolBytes: gauge('jobstream_spool_bytes', 'Bytes of spooled uploads not yet imported.'),
      socketioConnections: gauge('jobstream_socketio_connections', 'Open Socket.IO connections.'),
      socketioQueuedBytes: gauge(
        'jobstream_socketio_queued_bytes',
        'Bytes of events waiting in Engine.IO write buffers, over Socket.IO connections.',
      ),
      redisSubscriptions: gauge('jobstream_redis_subscriptions', 'Job channels this instance subscribes to on Redis.'),
    };
    this.counters = {
      eventsEmitted: counter('jobstream_events_emitted_total', 'Events recorded by the event log.'),
      eventsDelivered: counter('jobstream_events_delivered_total', 'Events handed to subscribers.'),
      eventsConflated: counter(
        'jobstream_events_conflated_total',
        'Progress events skipped for subscribers that fell behind.',
      ),
      snapshotsSent: counter('jobstream_snapshots_sent_total', 'Current-state snapshots sent to subscribers.'),
    };
    this.emitLatency = new EmitLatency(
      new Histogram({
        name: 'jobstream_emit_to_send_seconds',
        help: 'Time from an event being recorded to a transport sending it to a subscriber (over WebSocket, into a socket buffer written at the end of the event loop turn); one send in 32 is observed, snapshots never.',
        buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
        registers,
      }),
    );
    this.importSeconds = new Histogram({
      name: 'jobstream_import_duration_seconds',
      help: 'Time from an upload starting its import (the file spooled) to the import ending, by how it ended.',
      labelNames: ['status'],
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
      registers,
    });
    this.importRowsPerSecond = new Histogram({
      name: 'jobstream_import_rows_per_second',
      help: 'Rows an import processed per second of its duration, by how it ended (imports that processed rows).',
      labelNames: ['status'],
      buckets: [100, 1_000, 2_500, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000],
      registers,
    });
  }

  /** An import ended: `seconds` after it started, having processed `rows` rows. */
  recordImport(status: ImportOutcome, seconds: number, rows: number): void {
    this.importSeconds.observe({ status }, seconds);
    if (rows > 0 && seconds > 0) this.importRowsPerSecond.observe({ status }, rows / seconds);
  }

  /** The Prometheus content type of `render`'s text. */
  get contentType(): string {
    return this.registry.contentType;
  }

  /** Every metric, the process's and this server's, as `/metrics` serves them. */
  async render(): Promise<string> {
    const current = { ...this.sources.progress(), ...this.sources.transport() };
    for (const name of Object.keys(this.gauges) as GaugeName[]) this.gauges[name].set(current[name]);
    for (const name of Object.keys(this.counters) as CounterName[]) {
      // A counter's value is the progress layer's total: prom-client's counters only add, so it is set afresh.
      this.counters[name].reset();
      this.counters[name].inc(current[name]);
    }
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
