import { randomBytes } from 'node:crypto';
import { holdImportsAt, importHeld, startApi, stopApi } from './api-control';
import { jobProgressBar, uploadThroughUi } from './app';
import { expect, expectAccessible, test } from './fixtures';
import { writeUsersCsv } from './users-csv';

test('the API stopped and restarted mid-import: one plain connection state, figures not posing as live, recovery without a click', async ({
  page,
  context,
  browser,
}, testInfo) => {
  await holdImportsAt(30_000);
  const file = await writeUsersCsv(testInfo.outputPath('restart-me.csv'), {
    rows: 100_000,
    prefix: `r${randomBytes(3).toString('hex')}-`,
  });
  await uploadThroughUi(page, file);
  await importHeld();
  await expect(page.getByTestId('job-view')).toHaveAttribute('data-phase', /started|processing/);
  const list = await context.newPage();
  await list.goto('/jobs');
  const row = list.getByTestId('job-item').filter({ hasText: 'restart-me.csv' });
  await expect(row).toHaveAttribute('data-phase', /started|processing/);
  await expect(list.getByTestId('list-not-live')).toHaveCount(0);

  await stopApi();

  // The header alone speaks of the connection; the body shows the last known figures as such, nothing frozen as live.
  const indicator = page.locator('.connection');
  await expect(indicator).toHaveText('Reconnecting…');
  const view = page.getByTestId('job-view');
  await expect(view).toHaveAttribute('data-live', 'false');
  await expect(view.locator('.badge')).toHaveText('Not live');
  await expect(page.getByTestId('job-message')).toHaveText(/^Last known: [\d,]+ of 100,000 rows$/);
  await expect(page.getByTestId('rate')).toHaveText('—');
  await expect(page.getByTestId('eta')).toHaveText('—');
  await expect(page.locator('main')).not.toContainText(/WebSocket|stopped|Resume|Processing/);
  await expect(list.getByTestId('list-not-live')).toContainText('Not live: this is the list as of');
  await expect(row.locator('.badge')).toHaveText('Not live');

  // Someone arriving now is told plainly, and their page comes up by itself once the API is back.
  const visitorContext = await browser.newContext({ baseURL: testInfo.project.use.baseURL });
  const visitor = await visitorContext.newPage();
  await visitor.goto('/jobs');
  await expect(visitor.getByRole('heading', { name: 'Can’t reach jobstream right now' })).toBeVisible();
  await expect(visitor.locator('main')).not.toContainText(/API server|Offline/);
  for (const shown of [page, list, visitor]) await expectAccessible(shown);

  await startApi();

  await expect(indicator).toHaveText('Live', { timeout: 30_000 });
  await expect(view).toHaveAttribute('data-phase', 'interrupted');
  await expect(view).toHaveAttribute('data-live', 'true');
  await expect(view.locator('.badge')).toHaveText('Interrupted');
  await expect(page.getByTestId('stopped').getByRole('heading')).toHaveText('Import interrupted');
  const sentence = page.getByTestId('outcome-sentence');
  await expect(sentence).toHaveText(/^[\d,]+ rows inserted, 0 updated, 0 rejected before it stopped\.$/);
  const inserted = (await sentence.textContent())?.split(' ')[0] ?? '';
  const rows = Number(inserted.replaceAll(',', ''));
  expect(rows).toBeGreaterThanOrEqual(30_000);
  expect(rows).toBeLessThan(31_000);
  await expect(page.getByTestId('job-message')).toHaveText(`Stopped after ${inserted} of 100,000 rows`);
  await expect(jobProgressBar(page)).toHaveAttribute('aria-valuenow', String(Math.round(rows / 1_000)));

  await expect(list.getByTestId('list-not-live')).toHaveCount(0, { timeout: 30_000 });
  await expect(row).toHaveAttribute('data-phase', 'interrupted');
  await expect(row).toContainText(`Interrupted by server restart · ${inserted} inserted`);
  await expect(visitor.getByRole('heading', { name: 'No imports yet' })).toBeVisible({ timeout: 30_000 });
  await visitorContext.close();

  await page.reload();
  await expect(view).toHaveAttribute('data-phase', 'interrupted');
  await expect(jobProgressBar(page)).toHaveAttribute('aria-valuenow', String(Math.round(rows / 1_000)));
  await expect(sentence).toHaveText(`${inserted} rows inserted, 0 updated, 0 rejected before it stopped.`);
});
