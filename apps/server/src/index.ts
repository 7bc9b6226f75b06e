export { createLogger, type Logger, type LoggerOptions } from '@jobstream/logger';
export {
  type ApiServer,
  type ApiServerOptions,
  type ServerAuth,
  type ServerTestHooks,
  startApiServer,
  type TestableApiServer,
} from './api-server';
export { type Config, ConfigSchema, loadConfig } from './config';
export { type IdentifyCaller, sessionIdentity } from './http/identify';
