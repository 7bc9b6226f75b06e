import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import { watchUpload } from '../../server/test/socketio/gateway-frontend';
import { holdImportsAt, importHeld, releaseImports } from './api-control';
import { expect, test } from './fixtures';
import { usersCsv } from './users-csv';

/** socket.io-client 4.8's browser build, as a page of the old gateway's frontend loads it. */
const SOCKET_IO_CLIENT = createRequire(import.meta.url).resolve('socket.io-client/dist/socket.io.js');

/** What the frontend code logged in the page. */
interface PageLogs {
  log: unknown[][];
  error: unknown[][];
}

declare global {
  interface Window {
    gatewayLogs: PageLogs;
  }
}

test('the old gateway’s frontend code runs unchanged in a page of the web app, with its session cookie', async ({
  page,
}) => {
  await page.goto('/');
  await expect
    .poll(async () => (await page.context().cookies()).some((cookie) => cookie.name === 'jobstream_session'))
    .toBe(true);
  await holdImportsAt(1_000);
  const rows = 30_000;
  const response = await page.request.post('/uploads?template=users', {
    multipart: {
      file: { name: 'users.csv', mimeType: 'text/csv', buffer: usersCsv({ rows, prefix: `sio-${randomUUID()}-` }) },
    },
  });
  expect(response.status()).toBe(201);
  const { jobId } = (await response.json()) as { jobId: string };
  await importHeld();

  // The page loads socket.io-client and runs the frontend code as it is: same origin, the cookie goes by itself.
  await page.addScriptTag({ path: SOCKET_IO_CLIENT });
  await page.evaluate(
    ([source, id]) => {
      const logs: PageLogs = { log: [], error: [] };
      window.gatewayLogs = logs;
      const frontend = new Function(`return (${source})`)() as typeof watchUpload;
      const recorder = {
        log: (...args: unknown[]) => logs.log.push(args),
        error: (...args: unknown[]) => logs.error.push(args),
      };
      frontend((window as unknown as { io: Parameters<typeof watchUpload>[0] }).io, location.origin, id, recorder);
    },
    [watchUpload.toString(), jobId] as const,
  );
  await expect.poll(() => page.evaluate(() => window.gatewayLogs.log.length)).toBeGreaterThan(0);
  await releaseImports();

  const completed = () => page.evaluate(() => window.gatewayLogs.log.filter(([line]) => line === 'Upload completed:'));
  await expect.poll(async () => (await completed()).length, { timeout: 60_000 }).toBe(1);
  const logs = await page.evaluate(() => window.gatewayLogs);
  const progress = logs.log
    .map(([line]) => /^Progress: ([\d.]+)%/.exec(String(line))?.[1])
    .filter((value) => value !== undefined)
    .map(Number);
  expect(progress.length).toBeGreaterThanOrEqual(2);
  for (let i = 1; i < progress.length; i++) expect(progress[i]).toBeGreaterThanOrEqual(progress[i - 1] as number);
  expect((await completed())[0]?.[1]).toMatchObject({ jobId, status: 'completed', processed: rows });
  expect(logs.error).toEqual([]);
});
