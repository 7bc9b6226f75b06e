/** Counters and gauges of the progress layer, read by the server's `/metrics`. */
export interface ProgressMetrics {
  roomsActive: number;
  subscriptionsActive: number;
  listenersActive: number;
  eventsEmitted: number;
  eventsDelivered: number;
  eventsConflated: number;
  snapshotsSent: number;
}

/** A fresh set of zeroed counters. */
export function createMetrics(): Omit<ProgressMetrics, 'roomsActive' | 'listenersActive'> {
  return { subscriptionsActive: 0, eventsEmitted: 0, eventsDelivered: 0, eventsConflated: 0, snapshotsSent: 0 };
}
