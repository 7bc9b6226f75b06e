export { projectRedisEnv } from './project-redis';
export { type RedisServer, type RedisServerOptions, startRedisServer } from './redis-server';
