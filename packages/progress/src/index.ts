export { conflate } from './conflate';
export { asSnapshot, type CursorOptions, type DeliveryCounters, DeliveryCursor } from './delivery-cursor';
export { type EventPosition, eventIdAfter, formatEventId, newEpoch, parseEventId } from './event-id';
export { InMemoryJobEventLog, type InMemoryLogOptions, LOG_DEFAULTS } from './in-memory-log';
export { EventLogUnavailableError, type JobEventLog, type NextEvent } from './job-event-log';
export { type JobEventsOptions, jobEvents, UnknownJobError } from './job-events';
export { type HistoryLimits, JobRoom } from './job-room';
export { JobSubscription, type JobSubscriptionOptions, type SubscriptionSink } from './job-subscription';
export { JobLifecycleError, resolveNext, validateTransition } from './lifecycle';
export {
  createDeliveryMetrics,
  type DeliveryMetrics,
  type LogMetrics,
  type ProgressMetrics,
} from './metrics';
export { type EmitErrorOptions, ProgressEmitter } from './progress-emitter';
export { createProgressHub, type ProgressHub, type ProgressHubOptions } from './progress-hub';
export { PulledEvents } from './pulled-events';
export { createStoredEvent, type DeliveredEvent, isTerminalEvent, type StoredEvent, toDelivered } from './stored-event';
export { Waiter } from './waiter-list';
