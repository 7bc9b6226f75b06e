import { defineConfig } from 'vitest/config';

// Each test starts a whole cluster (PostgreSQL, Redis, API instances, the web app) as real processes.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 180_000, hookTimeout: 60_000 } });
