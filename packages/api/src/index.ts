export {
  type ApiContext,
  type ApiServices,
  type AuthorizeJob,
  type Caller,
  type ConnectionHandle,
  ownerOnly,
} from './context';
export { type AppRouter, appRouter } from './root';
export { isPlainJson, markPlainJson, transformer } from './transformer';
export { createCallerFactory } from './trpc';
