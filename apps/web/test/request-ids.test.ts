import { createLogger } from '@jobstream/logger';
import { type ApiServer, ConfigSchema, startApiServer } from '@jobstream/server';
import { waitFor } from '@jobstream/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { WebServer } from '../server/web-server';
import { startTestWebServer } from './web-server-fixture';

interface Entry {
  msg: string;
  reqId?: string;
  path?: string;
}

function capture() {
  const lines: string[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line) => void lines.push(line) } });
  return { logger, entries: () => lines.map((line) => JSON.parse(line) as Entry) };
}

describe('one request id through the web server and the API server behind it', () => {
  let api: ApiServer | undefined;
  let web: WebServer | undefined;

  afterEach(async () => {
    await web?.shutdown();
    await api?.shutdown();
  });

  it('logs a proxied request under the id the web server gave it, on both servers, whatever id the browser sent', async () => {
    const apiLog = capture();
    const webLog = capture();
    const config = ConfigSchema.parse({ PORT: '0', DATABASE_PATH: ':memory:', TRUST_PROXY: 'loopback' });
    api = await startApiServer({ config, logger: apiLog.logger });
    web = await startTestWebServer({ API_URL: api.url }, { logger: webLog.logger });

    const proxied = await fetch(`${web.url}/trpc/upload.ping`, { headers: { 'x-request-id': 'forged' } });
    expect(proxied.status).toBe(200);
    const page = await fetch(`${web.url}/jobs`, { headers: { 'x-request-id': 'forged' } });
    expect(await page.text()).toBe('page');

    await waitFor(() => expect(webLog.entries().filter((entry) => entry.msg === 'request')).toHaveLength(2));
    const [webPing, webPage] = webLog.entries().filter((entry) => entry.msg === 'request');
    expect(webPing).toMatchObject({ path: '/trpc/upload.ping', reqId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(webPage?.path).toBe('/jobs');
    expect(page.headers.get('x-request-id')).toBe(webPage?.reqId);
    expect(proxied.headers.get('x-request-id')).toBe(webPing?.reqId);
    await waitFor(() => expect(apiLog.entries().some((entry) => entry.msg === 'request')).toBe(true));
    expect(apiLog.entries().find((entry) => entry.msg === 'request')).toMatchObject({
      path: '/trpc/upload.ping',
      reqId: webPing?.reqId,
    });
    expect([...apiLog.entries(), ...webLog.entries()].map((entry) => entry.reqId)).not.toContain('forged');
  });
});
