import { expect, test } from './fixtures';

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
