import { randomUUID } from 'node:crypto';
import { expectCompleted, jobProgressBar, progressOf, uploadThroughUi } from './app';
import { expect, test } from './fixtures';
import { expectedRowErrors, usersCsv } from './users-csv';

/** Rows in a file whose import lasts a few seconds, long enough to act on it mid-job. */
const LONG_ROWS = Number(process.env.E2E_LONG_ROWS ?? 400_000);

test('a valid users file fills the bar to 100% and shows the summary', async ({ page }) => {
  await uploadThroughUi(page, { name: 'users.csv', buffer: usersCsv({ rows: 2_000, prefix: `ok-${randomUUID()}-` }) });
  await expectCompleted(page);
  await expect(page.getByTestId('inserted')).toHaveText('2,000');
  await expect(page.getByTestId('updated')).toHaveText('0');
  await expect(page.getByTestId('failed')).toHaveText('0');
  await expect(page.getByTestId('duration')).not.toHaveText('—');
  await expect(page.getByRole('link', { name: /Download rejected rows/ })).toHaveCount(0);
});

test('a file with bad rows lists the row errors and offers them for download', async ({ page }) => {
  const rows = 1_000;
  const badEvery = 100;
  await uploadThroughUi(page, {
    name: 'users-with-errors.csv',
    buffer: usersCsv({ rows, badEvery, prefix: `bad-${randomUUID()}-` }),
  });
  await expectCompleted(page);
  const expected = expectedRowErrors(rows, badEvery);
  await expect(page.getByTestId('row-errors').getByRole('listitem')).toHaveText(expected);
  await expect(page.getByTestId('failed')).toHaveText(String(expected.length));
  await expect(page.getByTestId('inserted')).toHaveText('990');

  const link = page.getByRole('link', { name: 'Download rejected rows (CSV)' });
  const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const path = await download.path();
  const { readFile } = await import('node:fs/promises');
  const csv = (await readFile(path, 'utf8')).trim().split(/\r?\n/);
  expect(csv[0]).toBe('email,name,role,row,error');
  expect(csv).toHaveLength(expected.length + 1);
  expect(csv[1]).toMatch(/^not-an-email-100,User 100,admin,100,.*email: Invalid email address$/);
});

test('reloading the job page mid-job shows the current state at once and continues live', async ({ page }) => {
  await uploadThroughUi(page, {
    name: 'users-large.csv',
    buffer: usersCsv({ rows: LONG_ROWS, badEvery: 50_000, prefix: `reload-${randomUUID()}-` }),
  });
  await expect.poll(() => progressOf(page), { timeout: 30_000 }).toBeGreaterThan(0);
  const before = await progressOf(page);
  expect(before).toBeLessThan(100);

  await page.reload();
  await expect(jobProgressBar(page)).toBeVisible({ timeout: 5_000 });
  expect(await progressOf(page)).toBeGreaterThanOrEqual(before);
  await expectCompleted(page);
  const errors = await page.getByTestId('row-errors').getByRole('listitem').allTextContents();
  expect(errors).toEqual(expectedRowErrors(LONG_ROWS, 50_000));
});

test('a second page on the same job follows it too and both end completed', async ({ page, context }) => {
  const jobId = await uploadThroughUi(page, {
    name: 'users-large.csv',
    buffer: usersCsv({ rows: LONG_ROWS, prefix: `two-${randomUUID()}-` }),
  });
  const second = await context.newPage();
  await second.goto(`/jobs/${jobId}`);
  await expect(jobProgressBar(second)).toBeVisible();
  await Promise.all([expectCompleted(page), expectCompleted(second)]);
  for (const p of [page, second]) await expect(p.getByTestId('inserted')).toHaveText(LONG_ROWS.toLocaleString('en-US'));
});

test('a job id that belongs to nobody shows a clear not-found state', async ({ page }) => {
  await page.goto(`/jobs/${randomUUID()}`);
  await expect(page.getByRole('heading', { name: 'Job not found' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'See your jobs' })).toBeVisible();
});

test('another browser session cannot see the job', async ({ page, browser }) => {
  const jobId = await uploadThroughUi(page, {
    name: 'users.csv',
    buffer: usersCsv({ rows: 10, prefix: `own-${randomUUID()}-` }),
  });
  const stranger = await browser.newContext({ baseURL: test.info().project.use.baseURL });
  const strangerPage = await stranger.newPage();
  await strangerPage.goto(`/jobs/${jobId}`);
  await expect(strangerPage.getByRole('heading', { name: 'Job not found' })).toBeVisible();
  await stranger.close();
});
