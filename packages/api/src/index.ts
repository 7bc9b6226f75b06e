export {
  type ApiContext,
  type ApiServices,
  type AuthorizeJob,
  type CallContext,
  type Caller,
  type ConnectionHandle,
  createApiContext,
  ownerOnly,
  type UploadLimits,
} from './context';
export { authorizedJob, requireSession } from './job-access';
export { claimProgressSubscription, type ProgressClaim } from './progress-access';
export { type AppRouter, appRouter } from './root';
export { terminalEventOf } from './stored-events';
export { markPlainJson, transformer } from './transformer';
export { createCallerFactory } from './trpc';
