import { test as base, expect } from '@playwright/test';
import { releaseImports, startApi } from './api-control';

/** The suite's `test`: after each test the API server is left running with its imports free, whatever the test did. */
export const test = base.extend<{ afterEachTest: undefined }>({
  afterEachTest: [
    async ({ context: _context }, use) => {
      await use(undefined);
      await startApi();
      await releaseImports();
    },
    { auto: true },
  ],
});

export { expect };
