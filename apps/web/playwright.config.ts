import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';

const apiPort = Number(process.env.E2E_API_PORT ?? 3301);
const webPort = Number(process.env.E2E_WEB_PORT ?? 3300);
// Where tests stop, restart and pace the API server (e2e/harness/api-supervisor.ts); workers inherit it.
process.env.E2E_CONTROL_PORT ??= '3302';
// Created once in the main process (workers inherit the variables, so they share it) and removed at teardown.
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = mkdtempSync(join(tmpdir(), 'jobstream-e2e-'));
  process.env.E2E_DATA_DIR_OWNED = '1';
}
const dataDir = process.env.E2E_DATA_DIR;

if (!existsSync(join(import.meta.dirname, '.next', 'BUILD_ID')) || !existsSync(join(import.meta.dirname, 'dist'))) {
  throw new Error('No production build in apps/web: run `pnpm --filter @jobstream/web build` first.');
}

const apiEnv: Record<string, string> = {
  HOST: '127.0.0.1',
  PORT: String(apiPort),
  DATA_DIR: dataDir,
  DATABASE_PATH: join(dataDir, 'e2e.db'),
  ALLOWED_ORIGINS: `http://localhost:${webPort},http://127.0.0.1:${webPort}`,
  LOG_LEVEL: 'warn',
  TRUST_PROXY: 'loopback',
  // Imports paced, so that a large file is still running when a test acts on it, however fast the machine.
  IMPORT_ROWS_PER_SECOND: '100000',
  E2E_CONTROL_PORT: process.env.E2E_CONTROL_PORT,
};

export default defineConfig({
  testDir: './e2e',
  globalTeardown: './e2e/global-teardown.ts',
  timeout: 90_000,
  expect: { timeout: 20_000 },
  workers: 1,
  retries: 0,
  reporter: process.env.CI ? [['list']] : [['list'], ['html', { open: 'never' }]],
  use: {
    baseURL: `http://localhost:${webPort}`,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'chromium', testIgnore: /screenshots\.spec\.ts/ },
    { name: 'screenshots', testMatch: /screenshots\.spec\.ts/ },
  ],
  webServer: [
    {
      // The API server as a child of a supervisor that tests can ask to stop and restart it (see e2e/api-control.ts).
      command: 'node --import tsx e2e/harness/api-supervisor.ts',
      url: `http://127.0.0.1:${apiPort}/healthz`,
      env: apiEnv,
      reuseExistingServer: false,
      timeout: 60_000,
      gracefulShutdown: { signal: 'SIGTERM', timeout: 10_000 },
      stdout: 'pipe',
      stderr: 'pipe',
    },
    {
      command: 'node dist/server.mjs',
      url: `http://127.0.0.1:${webPort}/`,
      env: {
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        HOST: '127.0.0.1',
        WEB_PORT: String(webPort),
        API_URL: `http://127.0.0.1:${apiPort}`,
        // Tests stop the API server on purpose: the warnings about it not answering would drown the report.
        LOG_LEVEL: 'error',
      },
      reuseExistingServer: false,
      timeout: 60_000,
      stdout: 'pipe',
      stderr: 'pipe',
    },
  ],
});
