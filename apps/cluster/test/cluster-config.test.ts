import { describe, expect, it } from 'vitest';
import { loadClusterConfig, MAX_INSTANCES, withoutPassword } from '../src/cluster-config';

describe('loadClusterConfig', () => {
  it('defaults to 3 instances behind port 3001, the web app on 3000, quiet logs, services started here', () => {
    expect(loadClusterConfig({})).toEqual({ instances: 3, clusterPort: 3001, webPort: 3000, logLevel: 'warn' });
  });

  it('reads every variable', () => {
    const env = {
      INSTANCES: '5',
      CLUSTER_PORT: '0',
      WEB_PORT: '4000',
      DATABASE_URL: 'postgres://u:p@db:5432/jobs',
      REDIS_URL: 'redis://cache:6379',
      LOG_LEVEL: 'info',
    };
    expect(loadClusterConfig(env)).toEqual({
      instances: 5,
      clusterPort: 0,
      webPort: 4000,
      databaseUrl: 'postgres://u:p@db:5432/jobs',
      redisUrl: 'redis://cache:6379',
      logLevel: 'info',
    });
  });

  it('refuses each bad value, naming its variable and what it takes', () => {
    const range = `INSTANCES must be a whole number from 2 to ${MAX_INSTANCES}`;
    expect(() => loadClusterConfig({ INSTANCES: '1' })).toThrow(`${range}, got "1"`);
    expect(() => loadClusterConfig({ INSTANCES: String(MAX_INSTANCES + 1) })).toThrow(range);
    expect(() => loadClusterConfig({ INSTANCES: 'two' })).toThrow(range);
    expect(() => loadClusterConfig({ CLUSTER_PORT: '65536' })).toThrow('CLUSTER_PORT must be a whole number from 0');
    expect(() => loadClusterConfig({ WEB_PORT: '-1' })).toThrow('WEB_PORT must be a whole number from 0');
    expect(() => loadClusterConfig({ DATABASE_URL: 'mysql://db' })).toThrow('DATABASE_URL must look like postgres://');
    expect(() => loadClusterConfig({ REDIS_URL: 'http://cache' })).toThrow('REDIS_URL must look like redis://');
    expect(() => loadClusterConfig({ LOG_LEVEL: 'loud' })).toThrow('LOG_LEVEL must be one of');
  });
});

describe('withoutPassword', () => {
  it('hides a URL’s password and leaves the rest', () => {
    expect(withoutPassword('postgres://user:secret@db:5432/jobs')).toBe('postgres://user:***@db:5432/jobs');
    expect(withoutPassword('redis://cache:6379')).toBe('redis://cache:6379');
  });
});
