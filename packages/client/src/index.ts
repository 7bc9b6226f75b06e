export {
  type ConnectionFacts,
  type ConnectionStateLike,
  type ConnectionStatus,
  toConnectionStatus,
  type WsConnectionState,
} from './connection-status';
export { createJobstreamClients, type JobstreamClientOptions, type JobstreamClients } from './create-clients';
export { ensureSession } from './ensure-session';
export { compareEventIds } from './event-id';
export {
  initialJobProgress,
  isFinished,
  type JobProgressAction,
  type JobProgressState,
  jobProgressReducer,
} from './job-progress-reducer';
export { MAX_ROW_ERRORS, mergeErrors } from './merge-errors';
export {
  addRateSample,
  EMPTY_RATE,
  estimateEtaMs,
  RATE_DEFAULTS,
  type RateEstimate,
  type RateOptions,
  visibleRate,
} from './rate-estimator';
export { RETRY_DELAY_DEFAULTS, type RetryDelayOptions, retryDelayMs } from './retry-delay';
