import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Every suite runs against SQLite; the suites that read or write the store (imports, ownership, restarts,
 * delivery, sessions) run again against a throwaway PostgreSQL cluster the run starts, and the subscription suites once
 * more with the event log on a throwaway redis-server (`REDIS_URL`), as an instance of a cluster runs them.
 */
export default defineConfig({
  test: {
    // Past every wait's bound (WAIT_TIMEOUT_MS), so that a test on a busy machine fails at the wait that gave up.
    testTimeout: 60_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'sqlite',
          provide: { storeKind: 'sqlite' },
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/postgres-faults.test.ts', 'test/cluster/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'postgres',
          provide: { storeKind: 'postgres' },
          globalSetup: ['@jobstream/storage/testing/vitest-postgres'],
          include: [
            'test/{imports,ownership,restart,graceful-restart,delivery,resume-edges,sessions,errors-download}.test.ts',
            'test/{subscription,auth-hook,host-auth,leaks,limits,health,postgres-faults}.test.ts',
            'test/socketio/compat.test.ts',
            'test/retention.test.ts',
            'test/cluster/**/*.test.ts',
          ],
        },
      },
      {
        extends: true,
        test: {
          name: 'redis',
          provide: { storeKind: 'postgres', logKind: 'redis' },
          globalSetup: ['@jobstream/storage/testing/vitest-postgres', '@jobstream/redis/testing/vitest-redis'],
          // The suites whose server code reads events only through subscriptions; the others emit bursts and read the
          // in-memory log's state synchronously, which the Redis log's own suites and test/cluster cover instead.
          include: ['test/{subscription,ownership}.test.ts'],
        },
      },
    ],
  },
});
