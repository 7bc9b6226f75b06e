import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { expectCompleted, uploadThroughUi } from './app';
import { expect, test } from './fixtures';
import { usersCsv } from './users-csv';

test('imports of differently named files are told apart: list, job heading, page title, error file name', async ({
  page,
}) => {
  const march = usersCsv({ rows: 300, badEvery: 100, prefix: `mar-${randomUUID()}-` });
  const april = usersCsv({ rows: 1_200, prefix: `apr-${randomUUID()}-` });
  await uploadThroughUi(page, { name: 'März team.csv', buffer: march });
  await expectCompleted(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('März team.csv');
  await expect(page.getByTestId('job-details')).toHaveText(/^Users import · [\d.]+ KB · 300 rows · Started /);
  await expect(page).toHaveTitle('März team.csv · jobstream');
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download rejected rows (CSV)' }).click(),
  ]);
  expect(download.suggestedFilename()).toBe('März team-errors.csv');
  expect((await readFile(await download.path(), 'utf8')).trim().split(/\r?\n/)).toHaveLength(4);

  await uploadThroughUi(page, { name: 'april-users.csv', buffer: april });
  await expectCompleted(page);
  await expect(page).toHaveTitle('april-users.csv · jobstream');

  await page.getByRole('link', { name: 'All jobs' }).click();
  const rows = page.getByTestId('job-item');
  await expect(rows.nth(0).locator('.job-item__title')).toHaveText('april-users.csv');
  await expect(rows.nth(0)).toContainText(`Users · ${(april.length / 1024).toFixed(0)} KB · 1,200 rows`);
  await expect(rows.nth(0)).toContainText('1,200 inserted · 0 updated');
  await expect(rows.nth(1).locator('.job-item__title')).toHaveText('März team.csv');
  await expect(rows.nth(1)).toContainText('297 inserted · 0 updated · 3 rejected');
  await rows.nth(1).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('März team.csv');
});

test('a failure reason cut off in the list can be read there in full', async ({ page }) => {
  await page.setViewportSize({ width: 390, height: 844 });
  const rows = usersCsv({ rows: 3_000, prefix: `bad-${randomUUID()}-` }).toString('utf8');
  // A stray quote deep in the file: the header passes the form's check, the server fails the job on that line.
  await uploadThroughUi(page, { name: 'broken-quotes.csv', buffer: Buffer.from(`${rows}"broken"quote,x,member\n`) });
  await expect(page.getByTestId('job-view')).toHaveAttribute('data-phase', 'failed');
  const reason = (await page.getByTestId('stopped').locator('.notice__body').textContent()) ?? '';
  expect(reason).toMatch(/^Malformed CSV at line \d+: .+/);

  await page.getByRole('link', { name: 'All jobs' }).click();
  const detail = page.getByTestId('job-item').first().locator('.job-item__detail-text');
  await expect(detail).toContainText(reason);
  expect(await detail.evaluate((element) => element.scrollWidth <= element.clientWidth)).toBe(true);
  await expect(detail).toBeInViewport();
});
