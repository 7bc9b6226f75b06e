export { createLogger, type LogFormat, type Logger, type LoggerOptions, type LogLevel } from './create-logger';
export { REDACTED, redactFields } from './redact';
export { REQUEST_ID_HEADER, requestId } from './request-id';
