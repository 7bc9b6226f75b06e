import { randomBytes, randomUUID } from 'node:crypto';
import { holdImportsAt, importHeld } from './api-control';
import { expectCompleted, jobProgressBar, progressOf, uploadThroughUi } from './app';
import { expect, expectAccessible, test } from './fixtures';
import { usersCsv, writeUsersCsv } from './users-csv';

test('the not-found page and a job that is not found each have a level-one heading', async ({ page }) => {
  await page.goto('/no/such/page');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Page not found');
  await expectAccessible(page);
  await page.goto(`/jobs/${randomUUID()}`);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Job not found');
});

test.describe('on a phone', () => {
  test.use({ viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });

  test('the column help says which columns are required, and no drag and drop is offered', async ({ page }) => {
    await page.goto('/');
    await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
    const columns = page.locator('.columns__table');
    await expect(columns.getByRole('rowheader', { name: /email/ })).toHaveText('emailrequired');
    await expect(columns.getByRole('rowheader', { name: /role/ })).toHaveText('roleoptional');
    await expect(columns.getByRole('rowheader', { name: /email/ })).toBeVisible();
    await expect(page.locator('.dropzone__drag')).toBeHidden();
    await expect(page.locator('.dropzone')).toContainText('Choose a CSV file');
  });
});

test('running figures are formatted, and the bar moves by transform, still under reduced motion', async ({
  page,
}, testInfo) => {
  await holdImportsAt(60_000);
  const file = await writeUsersCsv(testInfo.outputPath('held.csv'), {
    rows: 300_000,
    prefix: `h${randomBytes(3).toString('hex')}-`,
  });
  await uploadThroughUi(page, file);
  await importHeld();
  await expect.poll(() => progressOf(page)).toBeGreaterThan(5);
  await expect(page.getByTestId('job-message')).toHaveText(/^Processing \d{1,3}(,\d{3})* of 300,000 rows$/);
  // Not beside the server's own unformatted message ("Processing 119104 of 300000 rows").
  await expect(page.locator('main')).not.toContainText(/\d{4,} of|of \d{4,}/);

  const fill = jobProgressBar(page).locator('.progress__fill');
  await expect(fill).toHaveAttribute('style', /^transform: scaleX\(0\.\d+\);$/);
  expect(await fill.evaluate((element) => getComputedStyle(element).transitionProperty)).toBe('transform');
  await page.emulateMedia({ reducedMotion: 'reduce' });
  expect(await fill.evaluate((element) => getComputedStyle(element).transitionDuration)).toBe('0s');
});

test('the home page paints the form at once and asks for the session and the templates together', async ({ page }) => {
  const html = await (await page.request.get('/')).text();
  expect(html).toContain('What are you importing?');
  expect(html).toContain('Choose a CSV file');

  // Every tRPC answer waits until both the session and the templates have been asked for: sent one after the other,
  // the second would never go out and the page would never load.
  const asked = new Set<string>();
  let release = () => {};
  const bothAsked = new Promise<void>((resolve) => {
    release = resolve;
  });
  await page.route('**/trpc/**', async (route) => {
    const { pathname } = new URL(route.request().url());
    for (const path of pathname.slice('/trpc/'.length).split(',')) asked.add(path);
    if (asked.has('session.current') && asked.has('upload.templates')) release();
    await bothAsked;
    await route.continue();
  });
  await page.goto('/');
  await expect(page.getByRole('group', { name: 'What are you importing?' })).toBeVisible();
  await expect(page.getByRole('radio', { name: /Users/ })).toBeChecked();
  expect([...asked]).toEqual(expect.arrayContaining(['session.current', 'upload.templates', 'upload.limits']));
});

test('a completed job’s figures and outcome read well (axe checks every page; this one has the success colors)', async ({
  page,
}) => {
  await uploadThroughUi(page, { name: 'ok.csv', buffer: usersCsv({ rows: 50, prefix: `ok-${randomUUID()}-` }) });
  await expectCompleted(page);
  await expect(page.getByTestId('outcome-sentence')).toHaveText('50 rows inserted, 0 updated, 0 rejected.');
});
