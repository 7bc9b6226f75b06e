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
export { ProgressStream } from './progress-stream';
export { type AppRouter, appRouter, createAppRouter } from './root';
export { rethrowStoreOutage } from './store-outage';
export { terminalEventOf } from './stored-events';
export { markPlainJson, transformer } from './transformer';
export { type BaseProcedure, createCallerFactory, middleware, publicProcedure } from './trpc';
