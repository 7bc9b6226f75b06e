export { type BusMessage, InMemoryBus, type ProgressBus } from './bus';
export { conflate } from './conflate';
export { formatEventId, parseEventId } from './event-id';
export { type HistoryLimits, JobRoom, type ReadResult } from './job-room';
export { JobLifecycleError, validateTransition } from './lifecycle';
export type { ProgressMetrics } from './metrics';
export {
  type EmitErrorOptions,
  type PersistedJobs,
  ProgressEmitter,
  type ProgressEmitterDeps,
} from './progress-emitter';
export { createProgressHub, type ProgressHub, type ProgressHubOptions } from './progress-hub';
export { type CursorOptions, RoomCursor } from './room-cursor';
export { REGISTRY_DEFAULTS, RoomRegistry, type RoomRegistryOptions } from './room-registry';
export { createStoredEvent, type DeliveredEvent, type StoredEvent, toDelivered } from './stored-event';
export { type SubscribeOptions, storedDelivery, subscribeToJob } from './subscribe';
export { Waiter } from './waiter-list';
