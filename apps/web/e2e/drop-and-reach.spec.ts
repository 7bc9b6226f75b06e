import { randomUUID } from 'node:crypto';
import { expectCompleted } from './app';
import { expect, test } from './fixtures';
import { usersCsv } from './users-csv';

test('a CSV dragged onto the drop zone is picked and imports; one dropped beside it leaves the page alone', async ({
  page,
}) => {
  await page.goto('/');
  const csv = usersCsv({ rows: 25, prefix: `drop-${randomUUID()}-` }).toString('utf8');
  const files = await page.evaluateHandle((text) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([text], 'dropped.csv', { type: 'text/csv' }));
    return transfer;
  }, csv);

  const zone = page.locator('.dropzone');
  await expect(zone).toBeVisible();
  // A synthetic drop has no default action of its own; what matters is that the page cancels it (a real one would
  // otherwise open the file in place of the page). Polled, as the page's listener is attached just after render.
  const strayDropCancelled = () =>
    page.locator('main').evaluate((main) => {
      const event = new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: new DataTransfer() });
      event.dataTransfer?.items.add(new File(['x'], 'stray.csv', { type: 'text/csv' }));
      main.dispatchEvent(event);
      return event.defaultPrevented;
    });
  await expect.poll(strayDropCancelled).toBe(true);
  await expect(page).toHaveURL(/\/$/);

  await zone.dispatchEvent('dragenter', { dataTransfer: files });
  await zone.dispatchEvent('dragover', { dataTransfer: files });
  await expect(zone).toHaveClass(/dropzone--active/);
  await zone.dispatchEvent('drop', { dataTransfer: files });
  await expect(zone).toContainText('dropped.csv');
  await expect(zone).not.toHaveClass(/dropzone--active/);

  await page.getByRole('button', { name: 'Start import' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  await expectCompleted(page);
  await expect(page.getByTestId('inserted')).toHaveText('25');
});

test('while the API cannot be reached the form shows at once, says so in plain words, and recovers by itself', async ({
  page,
}) => {
  await page.route('**/trpc/**', (route) => route.abort('connectionrefused'));
  await page.goto('/');
  await expect(page.getByRole('group', { name: 'What are you importing?' })).toBeVisible();
  await expect(page.getByText('Choose a CSV file')).toBeVisible();
  await expect(page.getByRole('status').filter({ hasText: 'Can’t reach jobstream right now' })).toBeVisible();
  await expect(page.locator('.connection')).toHaveAttribute('data-status', 'connecting');
  await expect(page.getByRole('button', { name: 'Start import' })).toBeDisabled();
  await expect(page.locator('main')).not.toContainText(/API server|Try again/);

  // No click: the session and the queries are tried again by themselves.
  await page.unroute('**/trpc/**');
  await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
  await expect(page.locator('.connection')).toHaveAttribute('data-status', 'connected');
  await expect(page.getByText('Can’t reach jobstream right now')).toHaveCount(0);
});
