/** Gauges and counters of an event log. */
export interface LogMetrics {
  /** Jobs whose room is held in memory. */
  roomsActive: number;
  /** Subscriptions waiting for their job's next event. */
  listenersActive: number;
  /** Events appended. */
  eventsEmitted: number;
}

/** Gauges and counters of the subscriptions of one process, whatever their transport. */
export interface DeliveryMetrics {
  subscriptionsActive: number;
  eventsDelivered: number;
  eventsConflated: number;
  snapshotsSent: number;
}

/** Everything the progress layer reports, as `/metrics` shows it. */
export type ProgressMetrics = LogMetrics & DeliveryMetrics;

/** Fresh, zeroed delivery counters, for the subscriptions of one process to share. */
export function createDeliveryMetrics(): DeliveryMetrics {
  return { subscriptionsActive: 0, eventsDelivered: 0, eventsConflated: 0, snapshotsSent: 0 };
}
