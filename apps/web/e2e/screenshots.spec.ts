import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { expect, type Page, test } from '@playwright/test';
import { expectCompleted, progressOf, uploadThroughUi } from './app';
import { usersCsv } from './users-csv';

const DIR = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');
const LONG_ROWS = Number(process.env.E2E_LONG_ROWS ?? 400_000);

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

test.use({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });

test('screenshots: upload page, running job, finished job, job with errors, jobs list', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'users.csv', mimeType: 'text/csv', buffer: usersCsv({ rows: 10 }) });
  await shoot(page, 'upload');

  await uploadThroughUi(page, {
    name: 'users.csv',
    buffer: usersCsv({ rows: LONG_ROWS, badEvery: 25_000, prefix: `shot-${randomUUID()}-` }),
  });
  await expect(page.getByTestId('rate')).not.toHaveText('Measuring…', { timeout: 30_000 });
  await expect.poll(() => progressOf(page)).toBeGreaterThan(20);
  await shoot(page, 'job-running');

  await uploadThroughUi(page, {
    name: 'users.csv',
    buffer: usersCsv({ rows: 25_000, prefix: `clean-${randomUUID()}-` }),
  });
  await expectCompleted(page);
  await shoot(page, 'job-completed');

  await uploadThroughUi(page, {
    name: 'users-with-errors.csv',
    buffer: usersCsv({ rows: 5_000, badEvery: 450, prefix: `errs-${randomUUID()}-` }),
  });
  await expectCompleted(page);
  await shoot(page, 'job-with-errors');

  await page.goto('/jobs');
  await expect(page.getByTestId('job-item')).toHaveCount(3);
  await shoot(page, 'jobs');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('job-item').first().getByRole('link').click();
  await expectCompleted(page);
  await shoot(page, 'job-with-errors-phone');
});
