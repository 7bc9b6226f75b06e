import { open } from 'node:fs/promises';
import type { Page } from '@playwright/test';
import { expect, test } from './fixtures';

/** Every upload request the page sends, to show that a refused file never left the browser. */
function recordUploads(page: Page): string[] {
  const uploads: string[] = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.startsWith('/uploads')) uploads.push(`${request.method()} ${request.url()}`);
  });
  return uploads;
}

const problem = (page: Page) => page.getByTestId('form-error');
const start = (page: Page) => page.getByRole('button', { name: 'Start import' });

test('a 60 MB file is refused before any upload request, against the limit the server states on the form', async ({
  page,
}, testInfo) => {
  const path = testInfo.outputPath('big-users.csv');
  const file = await open(path, 'w');
  await file.write('email,name,role\n');
  await file.truncate(60 * 1024 * 1024);
  await file.close();
  const uploads = recordUploads(page);
  await page.goto('/');
  await expect(page.locator('.dropzone')).toContainText('CSV files up to 50 MB and 1,000,000 rows');

  await page.locator('input[type=file]').setInputFiles(path);
  await expect(problem(page)).toHaveText('big-users.csv is 60 MB, larger than the 50 MB a file can have.');
  await expect(start(page)).toBeDisabled();
  await expect(page.locator('input[type=file]')).toHaveAttribute('aria-invalid', 'true');
  expect(uploads).toEqual([]);
});

test('a file that is not CSV, and one whose header does not fit the template, are refused at once', async ({
  page,
}) => {
  const uploads = recordUploads(page);
  await page.goto('/');
  const input = page.locator('input[type=file]');
  await input.setInputFiles({ name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('email,name,role\n') });
  await expect(problem(page)).toHaveText('notes.txt is not a CSV file. Choose a file whose name ends in .csv.');
  await expect(start(page)).toBeDisabled();

  const products = Buffer.from('sku,name,price,quantity\nA-1,Pen,1.50,3\n');
  await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
  await input.setInputFiles({ name: 'stock.csv', mimeType: 'text/csv', buffer: products });
  await expect(problem(page)).toHaveText(
    'The first row of stock.csv must name the users columns email, name, role. Missing: email, role. Not expected: sku, price, quantity.',
  );
  await expect(start(page)).toBeDisabled();
  // The same file is right for the other template: checked again on switching.
  await page.getByRole('radio', { name: /Products/ }).check();
  await expect(problem(page)).toHaveCount(0);
  await expect(start(page)).toBeEnabled();
  expect(uploads).toEqual([]);
});

test('a refusal only the server can make is explained in its words', async ({ page }) => {
  await page.goto('/');
  // Saved as Latin-1, not UTF-8: the header is fine, the server refuses the file before creating a job.
  const latin1 = Buffer.from('email,name,role\nrene@example.com,Ren\xe9,member\n', 'latin1');
  await page.locator('input[type=file]').setInputFiles({ name: 'latin1.csv', mimeType: 'text/csv', buffer: latin1 });
  await start(page).click();
  await expect(problem(page)).toHaveText(
    'The file is not UTF-8 text (it has bytes that are not valid UTF-8): save it as CSV UTF-8',
  );
  await expect(page).toHaveURL(/\/$/);
});
