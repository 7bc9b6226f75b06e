export {
  connectRedis,
  describeRedisUrl,
  type RedisConnection,
  type RedisConnectionOptions,
  RedisUnavailableError,
} from './redis-connection';
export { RedisJobEventLog, type RedisLogOptions } from './redis-job-event-log';
