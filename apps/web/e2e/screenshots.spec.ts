import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { holdImportsAt, importHeld, releaseImports } from './api-control';
import { expectCompleted, progressOf, uploadThroughUi } from './app';
import { expect, test } from './fixtures';
import { usersCsv, writeUsersCsv } from './users-csv';

const DIR = join(import.meta.dirname, '..', '..', '..', 'docs', 'screenshots');

async function shoot(page: Page, name: string): Promise<void> {
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

test.use({ viewport: { width: 1280, height: 860 }, colorScheme: 'light' });

test('screenshots: upload page, running job, finished job, job with errors, jobs list', async ({ page }, testInfo) => {
  await page.goto('/');
  await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'team-march.csv', mimeType: 'text/csv', buffer: usersCsv({ rows: 10 }) });
  await expect(page.getByRole('button', { name: 'Start import' })).toBeEnabled();
  await shoot(page, 'upload');

  await holdImportsAt(180_000);
  const large = await writeUsersCsv(testInfo.outputPath('customers-2026.csv'), {
    rows: 400_000,
    badEvery: 25_000,
    prefix: `s${randomBytes(3).toString('hex')}-`,
  });
  await uploadThroughUi(page, large);
  await importHeld();
  await expect(page.getByTestId('rate')).not.toHaveText('Measuring…');
  await expect.poll(() => progressOf(page)).toBeGreaterThan(30);
  await shoot(page, 'job-running');
  await releaseImports();

  await uploadThroughUi(page, {
    name: 'team-march.csv',
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
  await expect(page.getByTestId('job-item').last()).toHaveAttribute('data-phase', 'completed', { timeout: 60_000 });
  await shoot(page, 'jobs');

  await page.setViewportSize({ width: 390, height: 844 });
  await page.getByTestId('job-item').first().getByRole('link').click();
  await expectCompleted(page);
  await shoot(page, 'job-with-errors-phone');
});
