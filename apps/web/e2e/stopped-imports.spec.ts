import { randomBytes } from 'node:crypto';
import { holdImportsAt, importHeld } from './api-control';
import { jobProgressBar, uploadThroughUi } from './app';
import { expect, expectAccessible, test } from './fixtures';
import { writeUsersCsv } from './users-csv';

test('a 1,000,000-row import cancelled at about 20% shows where it stopped and what it committed, before and after a reload', async ({
  page,
}, testInfo) => {
  // Held once 200,000 rows are committed, so the cancel lands there however fast the machine is.
  await holdImportsAt(200_000);
  const file = await writeUsersCsv(testInfo.outputPath('million-users.csv'), {
    rows: 1_000_000,
    prefix: `m${randomBytes(3).toString('hex')}-`,
  });
  await uploadThroughUi(page, file);
  await importHeld();

  const cancel = page.getByRole('button', { name: 'Cancel import' });
  const dialog = page.getByRole('dialog', { name: 'Cancel this import?' });
  // Asked first: dismissing keeps it running.
  await cancel.click();
  await expect(dialog).toContainText('The import of million-users.csv stops.');
  await expect(dialog.getByRole('button', { name: 'Keep importing' })).toBeFocused();
  await expectAccessible(page);
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('job-view')).toHaveAttribute('data-phase', /started|processing/);

  await cancel.click();
  await dialog.getByRole('button', { name: 'Stop import' }).click();

  // It stops at the first batch (of at most 1,000 rows) committed past 200,000 rows: every view of it agrees.
  const sentence = page.getByTestId('outcome-sentence');
  await expect(sentence).toHaveText(/^[\d,]+ rows inserted, 0 updated, 0 rejected before it stopped\.$/);
  const inserted = (await sentence.textContent())?.split(' ')[0] ?? '';
  const rows = Number(inserted.replaceAll(',', ''));
  expect(rows).toBeGreaterThanOrEqual(200_000);
  expect(rows).toBeLessThan(201_000);
  const expectStoppedThere = async () => {
    const view = page.getByTestId('job-view');
    await expect(view).toHaveAttribute('data-phase', 'cancelled');
    await expect(view.locator('.badge')).toHaveText('Cancelled');
    await expect(view.locator('.badge')).toHaveClass(/badge--cancelled/);
    await expect(page.getByTestId('stopped')).toHaveClass(/notice--neutral/);
    await expect(page.getByTestId('stopped').getByRole('heading')).toHaveText('Import cancelled');
    await expect(page.locator('main').getByRole('alert')).toHaveCount(0);
    await expect(jobProgressBar(page)).toHaveAttribute('aria-valuenow', String(Math.round(rows / 10_000)));
    await expect(page.getByTestId('job-message')).toHaveText(`Stopped after ${inserted} of 1,000,000 rows`);
    await expect(sentence).toHaveText(`${inserted} rows inserted, 0 updated, 0 rejected before it stopped.`);
    await expect(page.getByTestId('inserted')).toHaveText(inserted);
  };
  await expectStoppedThere();
  // The Cancel button is gone: focus moves to what happened rather than to the page's body.
  await expect(page.getByRole('heading', { name: 'Import cancelled' })).toBeFocused();
  await expect(page.getByTestId('job-announcer')).toHaveText(
    `Import cancelled. ${inserted} rows inserted, 0 updated, 0 rejected before it stopped.`,
  );

  await page.reload();
  await expectStoppedThere();
  await expect(page.getByText('Stopped at 0%')).toHaveCount(0);

  await page.getByRole('link', { name: 'All jobs' }).click();
  const row = page.getByTestId('job-item').filter({ hasText: 'million-users.csv' });
  await expect(row).toHaveAttribute('data-phase', 'cancelled');
  await expect(row).toContainText(`Cancelled · ${inserted} inserted · 0 updated before it stopped`);
});
