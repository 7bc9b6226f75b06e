import { randomUUID } from 'node:crypto';
import { expectCompleted } from './app';
import { expect, test } from './fixtures';
import { usersCsv } from './users-csv';

test('while the file goes up a byte progress bar shows; cancel stops it, and a new try goes through', async ({
  page,
}) => {
  await page.goto('/');
  const network = await page.context().newCDPSession(page);
  await network.send('Network.enable');
  await network.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 20,
    downloadThroughput: 5_000_000,
    uploadThroughput: 400_000,
  });
  const rows = 50_000;
  await page.locator('input[type=file]').setInputFiles({
    name: 'users.csv',
    mimeType: 'text/csv',
    buffer: usersCsv({ rows, prefix: `bytes-${randomUUID()}-` }),
  });
  await page.getByRole('button', { name: 'Start import' }).click();

  const bar = page.getByRole('progressbar', { name: 'Upload' });
  await expect(bar).toBeVisible();
  await expect.poll(async () => Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
  await expect(bar).toHaveAttribute('aria-valuetext', /^[\d.]+ (B|KB|MB) of [\d.]+ MB$/);
  await expect(page.getByRole('radio', { name: /Users/ })).toBeDisabled();

  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText('Upload cancelled.');
  await expect(bar).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);

  await network.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: -1,
  });
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expectCompleted(page);
  await expect(page.getByTestId('inserted')).toHaveText(rows.toLocaleString('en-US'));
});
