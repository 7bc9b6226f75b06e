import { randomUUID } from 'node:crypto';
import { expectCompleted } from './app';
import { expect, test } from './fixtures';
import { usersCsv } from './users-csv';

declare global {
  interface Window {
    /** What live regions in the page's main content said, in order (installed by the test). */
    spoken?: string[];
  }
}

test('screen readers hear milestones only, land on the job heading after Start import, and hear the file name', async ({
  page,
}) => {
  await page.goto('/');
  await page.locator('input[type=file]').setInputFiles({
    name: 'big-team.csv',
    mimeType: 'text/csv',
    buffer: usersCsv({ rows: 200_000, prefix: `sr-${randomUUID()}-` }),
  });
  // Records each new text of a live region inside <main>: what a screen reader would announce. The document stays
  // the same through the client-side navigation to the job page.
  await page.evaluate(() => {
    window.spoken = [];
    const live = '[aria-live], [role="status"], [role="alert"], output';
    const last = new Map<Element, string>();
    new MutationObserver((mutations) => {
      for (const mutation of mutations) {
        const node = mutation.target instanceof Element ? mutation.target : mutation.target.parentElement;
        const region = node?.closest(live);
        if (!region?.closest('main')) continue;
        const text = region.textContent ?? '';
        if (last.get(region) === text || text === '') continue;
        last.set(region, text);
        window.spoken?.push(text);
      }
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  });
  await page.getByRole('button', { name: 'Start import' }).click();
  await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);

  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText('big-team.csv');
  await expect(heading).toBeFocused();
  await expect(page).toHaveTitle('big-team.csv · jobstream');

  await expectCompleted(page);
  const done = 'Import completed. 200,000 rows inserted, 0 updated, 0 rejected.';
  await expect(page.getByTestId('job-announcer')).toHaveText(done);
  const spoken = (await page.evaluate(() => window.spoken ?? [])).filter((text) => !text.startsWith('Upload'));
  const jobSaid = spoken.filter((text) => text !== 'Loading import…');
  expect(jobSaid.at(-1)).toBe(done);
  for (const text of jobSaid.slice(0, -1)) expect(text).toMatch(/^(Import started\.|[1-9]0% imported\.)$/);
  expect(jobSaid.length).toBeGreaterThanOrEqual(2);
  expect(jobSaid.length).toBeLessThanOrEqual(11);
});
