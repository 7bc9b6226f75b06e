export { type ApiServer, type ApiServerOptions, startApiServer } from './api-server';
export { type Config, ConfigSchema, loadConfig } from './config';
export { type IdentifyCaller, sessionIdentity } from './http/identify';
export { createLogger, type Logger } from './logger';
