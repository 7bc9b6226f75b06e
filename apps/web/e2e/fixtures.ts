import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';
import { releaseImports, startApi } from './api-control';

/** The WCAG 2.1 A and AA rules axe checks. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'];

/** The rules whose outcome depends on colors: all that can change between light and dark mode. */
const COLOR_RULES = ['color-contrast', 'link-in-text-block'];

/**
 * Runs axe on the page as it is: every WCAG 2.1 A/AA rule in light mode, then the color rules again in dark mode
 * (nothing else differs between the two). Fails listing every serious or critical violation.
 */
export async function expectAccessible(page: Page): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const axe = new AxeBuilder({ page });
    if (colorScheme === 'light') axe.withTags(WCAG_TAGS);
    else axe.withRules(COLOR_RULES);
    const { violations } = await axe.analyze();
    const serious = violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
    expect(serious, `axe in ${colorScheme} mode on ${page.url()}`).toEqual([]);
  }
}

/**
 * The suite's `test`: after each test, every page it left open on the app passes axe in light and dark mode, and
 * the API server is left running with its imports free, whatever the test did to it.
 */
export const test = base.extend<{ afterEachTest: undefined }>({
  afterEachTest: [
    async ({ context }, use) => {
      await use(undefined);
      try {
        for (const page of context.pages()) {
          if (!page.isClosed() && page.url().startsWith('http')) await expectAccessible(page);
        }
      } finally {
        await startApi();
        await releaseImports();
      }
    },
    { auto: true },
  ],
});

export { expect };
