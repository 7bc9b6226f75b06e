import type { Locator, Page } from '@playwright/test';
import { expect } from './fixtures';

/** The job's import progress bar. */
export function jobProgressBar(page: Page): Locator {
  return page.getByRole('progressbar', { name: 'Import progress' });
}

/** The job's progress as its bar reports it. */
export async function progressOf(page: Page): Promise<number> {
  return Number(await jobProgressBar(page).getAttribute('aria-valuenow'));
}

/** A file to upload: its name and content, or the path of a file on disk (for files too large to pass as a buffer). */
export type UploadFile = { name: string; buffer: Buffer } | string;

/** Uploads a CSV through the home page and waits for the job page; returns the job id. */
export async function uploadThroughUi(page: Page, file: UploadFile, template = 'Users'): Promise<string> {
  await page.goto('/');
  await page.getByRole('radio', { name: new RegExp(template) }).check();
  await page
    .locator('input[type=file]')
    .setInputFiles(typeof file === 'string' ? file : { name: file.name, mimeType: 'text/csv', buffer: file.buffer });
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);
  const jobId = page.url().split('/').at(-1);
  if (!jobId) throw new Error(`no job id in ${page.url()}`);
  return jobId;
}

/** Waits until the job page shows the job completed with a full bar. */
export async function expectCompleted(page: Page): Promise<void> {
  await expect(page.getByTestId('job-view')).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(jobProgressBar(page)).toHaveAttribute('aria-valuenow', '100');
  await expect(page.getByTestId('summary')).toBeVisible();
}
