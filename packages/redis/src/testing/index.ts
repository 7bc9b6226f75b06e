export { type RedisServer, type RedisServerOptions, startRedisServer } from './redis-server';
export { projectRedisEnv } from './project-redis';
