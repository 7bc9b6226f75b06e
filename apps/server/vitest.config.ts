import { configDefaults, defineConfig } from 'vitest/config';

/**
 * Every suite runs against SQLite; the suites that read or write the store (imports, ownership, restarts,
 * delivery, sessions) run again against a throwaway PostgreSQL cluster the run starts.
 */
export default defineConfig({
  test: {
    testTimeout: 20_000,
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
    ],
  },
});
