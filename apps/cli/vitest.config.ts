import { defineConfig } from 'vitest/config';

// Each test runs the built CLI (dist/main.mjs, built by the test script) as a child process against a real server.
export default defineConfig({ test: { include: ['test/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 30_000 } });
