export {
  connectRedis,
  describeRedisUrl,
  type RedisConnection,
  type RedisConnectionOptions,
  RedisUnavailableError,
} from './redis-connection';
export { type RedisCoordinatorOptions, RedisImportCoordinator } from './redis-import-coordinator';
export { RedisJobEventLog, type RedisLogOptions } from './redis-job-event-log';
export { type LocalRate, RedisRate, type RedisRateOptions } from './redis-rate';
