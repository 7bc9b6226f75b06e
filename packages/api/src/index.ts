export {
  type ApiContext,
  type ApiServices,
  type AuthorizeJob,
  type Caller,
  type ConnectionHandle,
  ownerOnly,
} from './context';
export { type AppRouter, appRouter } from './root';
export { createCallerFactory } from './trpc';
