export {
  type ConnectionFacts,
  type ConnectionStateLike,
  type ConnectionStatus,
  toConnectionStatus,
  type WsConnectionState,
} from './connection-status';
export { type ConnectionTracker, trackConnectionStatus } from './connection-tracker';
export {
  createJobstreamClients,
  createJobstreamHttpClient,
  type JobstreamClientOptions,
  type JobstreamClients,
  type JobstreamHttpOptions,
} from './create-clients';
export { ensureSession } from './ensure-session';
export { compareEventIds } from './event-id';
export { type FollowJobHandlers, followJob, type JobFollow, type TrackedJobEvent } from './follow-job';
export { type JobEstimate, jobEstimate } from './job-estimate';
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
export { createSessionToken, isSessionActive } from './session-token';
export { trpcErrorCode } from './trpc-error-code';
