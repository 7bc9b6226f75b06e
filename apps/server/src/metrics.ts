import type { ProgressMetrics } from '@jobstream/progress';

/** Extra gauges the transport adds to the progress layer's. */
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
  /** Bytes of events queued for Socket.IO connections and not yet written out, summed over connections. */
  socketioQueuedBytes: number;
}

/** Renders the metrics in Prometheus text format. */
export function renderMetrics(progress: ProgressMetrics, transport: TransportMetrics): string {
  const rows: Array<[name: string, type: 'gauge' | 'counter', help: string, value: number]> = [
    ['jobstream_rooms_active', 'gauge', 'Job rooms held in memory.', progress.roomsActive],
    ['jobstream_subscriptions_active', 'gauge', 'Open job subscriptions.', progress.subscriptionsActive],
    ['jobstream_listeners_active', 'gauge', 'Subscriptions waiting for the next event.', progress.listenersActive],
    ['jobstream_ws_connections', 'gauge', 'Open WebSocket connections.', transport.wsConnections],
    ['jobstream_ws_buffered_bytes', 'gauge', 'Bytes queued in WebSocket send buffers.', transport.wsBufferedBytes],
    ['jobstream_uploads_receiving', 'gauge', 'Upload bodies being received.', transport.uploadsReceiving],
    ['jobstream_spool_bytes', 'gauge', 'Bytes of spooled uploads not yet imported.', transport.spoolBytes],
    ['jobstream_socketio_connections', 'gauge', 'Open Socket.IO connections.', transport.socketioConnections],
    [
      'jobstream_socketio_queued_bytes',
      'gauge',
      'Bytes of events queued for Socket.IO connections.',
      transport.socketioQueuedBytes,
    ],
    ['jobstream_events_emitted_total', 'counter', 'Events recorded by the room registry.', progress.eventsEmitted],
    ['jobstream_events_delivered_total', 'counter', 'Events handed to subscribers.', progress.eventsDelivered],
    [
      'jobstream_events_conflated_total',
      'counter',
      'Progress events skipped for subscribers that fell behind.',
      progress.eventsConflated,
    ],
    [
      'jobstream_snapshots_sent_total',
      'counter',
      'Current-state snapshots sent to subscribers.',
      progress.snapshotsSent,
    ],
  ];
  return rows
    .map(([name, type, help, value]) => `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`)
    .join('');
}
