import { randomUUID } from 'node:crypto';
import type { WebSocketRoute } from '@playwright/test';
import { expectCompleted, progressOf, uploadThroughUi } from './app';
import { expect, test } from './fixtures';
import { expectedRowErrors, usersCsv } from './users-csv';

const LONG_ROWS = Number(process.env.E2E_LONG_ROWS ?? 400_000);

test('after a dropped connection the job resumes from its last event, without lost or repeated rows', async ({
  page,
}) => {
  const sockets: WebSocketRoute[] = [];
  const sent: string[] = [];
  const received: string[] = [];
  await page.routeWebSocket(/\/trpc$/, (socket) => {
    const server = socket.connectToServer();
    socket.onMessage((message) => {
      sent.push(String(message));
      server.send(message);
    });
    server.onMessage((message) => {
      received.push(String(message));
      socket.send(message);
    });
    sockets.push(socket);
  });
  // tRPC's keep-alive frames are the bare words PING and PONG; every other frame is JSON.
  const isTrackedEvent = (message: string) => {
    if (!message.startsWith('{')) return false;
    const { result } = JSON.parse(message) as { result?: { type?: string; id?: unknown } };
    return result?.type === 'data' && typeof result.id === 'string';
  };
  const trackedEventsReceived = () => received.filter(isTrackedEvent).length;
  const indicator = page.getByRole('status').filter({ hasText: /Live|Connecting|Reconnecting|Offline/ });

  await uploadThroughUi(page, {
    name: 'users-large.csv',
    buffer: usersCsv({ rows: LONG_ROWS, badEvery: 40_000, prefix: `drop-${randomUUID()}-` }),
  });
  await expect(indicator).toHaveText('Live');
  await expect.poll(() => progressOf(page), { timeout: 30_000 }).toBeGreaterThan(0);
  // The page may show progress from `upload.get` before the subscription's first event: only drop once the
  // socket has carried a tracked event, so there is an id to resume from.
  await expect.poll(trackedEventsReceived).toBeGreaterThan(0);
  expect(await progressOf(page)).toBeLessThan(100);

  const dropped = sockets.length;
  await sockets.at(-1)?.close({ code: 4000, reason: 'test drops the connection' });
  await expect(indicator).toHaveText('Reconnecting…');
  await expect(indicator).toHaveText('Live');
  expect(sockets.length).toBeGreaterThan(dropped);

  await expectCompleted(page);
  const errors = await page.getByTestId('row-errors').getByRole('listitem').allTextContents();
  expect(errors).toEqual(expectedRowErrors(LONG_ROWS, 40_000));
  const resumed = sent.filter((m) => m.includes('"upload.onProgress"') && m.includes('"lastEventId"'));
  expect(resumed.length).toBeGreaterThan(0);
});

test('the connection indicator shows offline when the browser loses the network', async ({ page, context }) => {
  await page.goto('/');
  const indicator = page.locator('.connection');
  await expect(indicator).toHaveAttribute('data-status', 'connected');
  await context.setOffline(true);
  await expect(indicator).toHaveAttribute('data-status', 'offline');
  await expect(indicator).toHaveText('Offline');
  await context.setOffline(false);
  await expect(indicator).toHaveAttribute('data-status', 'connected', { timeout: 30_000 });
});

test('the jobs list shows the session’s jobs and updates a running one live', async ({ page }) => {
  await page.goto('/jobs');
  await expect(page.getByRole('heading', { name: 'No imports yet' })).toBeVisible();

  const jobId = await uploadThroughUi(page, {
    name: 'users-large.csv',
    buffer: usersCsv({ rows: LONG_ROWS, prefix: `list-${randomUUID()}-` }),
  });
  await page.getByRole('link', { name: 'All jobs' }).click();
  const row = page.locator(`[data-job-id="${jobId}"]`);
  await expect(row).toBeVisible();
  await expect(row).toHaveAttribute('data-status', /started|processing/);
  await expect(row.getByRole('progressbar')).toBeVisible();
  await expect(row).toHaveAttribute('data-status', 'completed', { timeout: 60_000 });
  await expect(row).toContainText(`${LONG_ROWS.toLocaleString('en-US')} inserted`);
  await row.getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/jobs/${jobId}$`));
});
