import { defineConfig } from 'vitest/config';

// `--expose-gc` lets test/gc.test.ts check that delivered payloads can be collected.
export default defineConfig({
  test: { include: ['test/**/*.test.ts'], execArgv: ['--expose-gc'], testTimeout: 60_000 },
});
