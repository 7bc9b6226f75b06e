import { afterEach, describe, expect, it } from 'vitest';
import { startRedisServer } from '../src/testing/index';

describe('startRedisServer', () => {
  const saved = process.env.REDIS_SERVER;
  afterEach(() => {
    if (saved === undefined) delete process.env.REDIS_SERVER;
    else process.env.REDIS_SERVER = saved;
  });

  it('rejects with the reason when redis-server cannot be run, and this process goes on', async () => {
    process.env.REDIS_SERVER = '/nonexistent/redis-server';
    await expect(startRedisServer()).rejects.toThrow('spawn /nonexistent/redis-server ENOENT');
  });
});
