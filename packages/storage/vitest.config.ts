import { defineConfig } from 'vitest/config';

export default defineConfig({ test: { globalSetup: ['./src/testing/vitest-postgres.ts'], testTimeout: 60_000 } });
