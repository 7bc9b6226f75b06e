import { defineConfig } from 'vitest/config';

/** Every suite runs against SQLite; the ones that store rows run again against a throwaway PostgreSQL cluster. */
export default defineConfig({
  test: {
    testTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'sqlite', provide: { storeKind: 'sqlite' } } },
      {
        extends: true,
        test: {
          name: 'postgres',
          provide: { storeKind: 'postgres' },
          include: ['test/{run-import,import-service,concurrent-imports,products}.test.ts'],
          globalSetup: ['@jobstream/storage/testing/vitest-postgres'],
        },
      },
    ],
  },
});
