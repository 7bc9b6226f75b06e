export { type ApiServer, type ApiServerOptions, startApiServer } from './api-server';
export { type Config, ConfigSchema, loadConfig } from './config';
export { createLogger, type Logger } from './logger';
