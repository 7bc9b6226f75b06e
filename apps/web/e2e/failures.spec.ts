import { jobProgressBar, uploadThroughUi } from './app';
import { expect, test } from './fixtures';

test('a file whose header does not match the template fails with the reason', async ({ page }) => {
  await uploadThroughUi(page, { name: 'wrong.csv', buffer: Buffer.from('mail,full_name\na@example.com,A\n') });
  await expect(page.getByTestId('job-view')).toHaveAttribute('data-status', 'failed');
  await expect(page.getByTestId('stopped')).toContainText("Header does not match template 'users'");
  await expect(page.getByTestId('stopped')).toContainText('missing columns: email, name');
  await expect(jobProgressBar(page)).toBeVisible();
});

test('the upload form refuses a file that is not CSV and explains server refusals', async ({ page }) => {
  await page.goto('/');
  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from([137, 80, 78, 71]) });
  await expect(page.locator('form').getByRole('alert')).toHaveText('photo.png is not a CSV file.');
  await expect(page.getByRole('button', { name: 'Start import' })).toBeDisabled();

  await page
    .locator('input[type=file]')
    .setInputFiles({ name: 'empty.csv', mimeType: 'text/csv', buffer: Buffer.from('') });
  await page.getByRole('button', { name: 'Start import' }).click();
  await expect(page.locator('form').getByRole('alert')).toHaveText('The file is empty');
  await expect(page).toHaveURL(/\/$/);
});

test('the upload page is usable from the keyboard alone', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
  await page.getByRole('radio', { name: /Users/ }).focus();
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /Products/ })).toBeChecked();
  await expect(page.getByText('Expected columns for products')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.locator('summary')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(page.locator('input[type=file]')).toBeFocused();
});
