// The framework-free half lives in @jobstream/client; re-exported so React apps need one import.
export {
  addRateSample,
  type ConnectionFacts,
  type ConnectionStatus,
  compareEventIds,
  createJobstreamClients,
  EMPTY_RATE,
  ensureSession,
  estimateEtaMs,
  initialJobProgress,
  isFinished,
  type JobProgressAction,
  type JobProgressState,
  type JobstreamClientOptions,
  type JobstreamClients,
  jobProgressReducer,
  MAX_ROW_ERRORS,
  mergeErrors,
  RATE_DEFAULTS,
  type RateEstimate,
  type RateOptions,
  RETRY_DELAY_DEFAULTS,
  type RetryDelayOptions,
  retryDelayMs,
  toConnectionStatus,
  visibleRate,
  type WsConnectionState,
} from '@jobstream/client';
export {
  ConnectionStatusProvider,
  type ConnectionStatusProviderProps,
  useConnectionStatus,
} from './connection-context';
export { TRPCProvider, useTRPC, useTRPCClient } from './trpc-context';
export {
  type JobProgress,
  type JobProgressError,
  type UseJobProgressOptions,
  useJobProgress,
} from './use-job-progress';
