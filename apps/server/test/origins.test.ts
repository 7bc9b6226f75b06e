import { describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestServer } from './fixtures';

const ALLOWED = 'http://localhost:3000';
const EVIL = 'http://evil.example';

/** Tries a WebSocket upgrade to `/trpc` with an Origin: 101 when it opens, else the status it was refused with. */
function upgradeStatus(url: string, origin?: string): Promise<number> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc`, origin ? { origin } : {});
  return new Promise((resolve, reject) => {
    socket.once('open', () => {
      resolve(101);
      socket.terminate();
    });
    socket.once('unexpected-response', (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
      socket.terminate();
    });
    socket.once('error', reject);
  });
}

function get(url: string, path: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}${path}`, { headers });
}

describe('origin policy with the default ALLOWED_ORIGINS', () => {
  it('refuses HTTP requests from a disallowed Origin with 403 and no CORS headers', async () => {
    await using server = await startTestServer();
    for (const path of ['/healthz', '/trpc/upload.ping', '/metrics']) {
      const res = await get(server.url, path, { origin: EVIL });
      expect(res.status).toBe(403);
      expect(await res.json()).toEqual({ error: 'Origin not allowed' });
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const post = await fetch(`${server.url}/trpc/session.create`, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(post.status).toBe(403);
    expect(post.headers.get('set-cookie')).toBeNull();
    const upload = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { origin: EVIL, 'content-type': 'text/csv' },
      body: 'email,name,role\n',
    });
    expect(upload.status).toBe(403);
  });

  it('refuses an Origin that only resembles an allowed one', async () => {
    await using server = await startTestServer();
    for (const origin of [
      'http://localhost:3000.evil.example',
      'http://localhost:30000',
      'https://localhost:3000',
      'http://LOCALHOST:3000',
      'null',
      `${ALLOWED}/`,
    ]) {
      expect((await get(server.url, '/healthz', { origin })).status, origin).toBe(403);
    }
  });

  it('serves an allowed Origin with CORS headers for that origin', async () => {
    await using server = await startTestServer();
    const res = await get(server.url, '/trpc/upload.ping', { origin: ALLOWED });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(res.headers.get('access-control-allow-credentials')).toBe('true');
    const second = await get(server.url, '/healthz', { origin: 'http://127.0.0.1:3000' });
    expect(second.status).toBe(200);
    expect(second.headers.get('access-control-allow-origin')).toBe('http://127.0.0.1:3000');
  });

  it('marks every origin-dependent response Vary: Origin, tRPC ones included, so caches keep them apart', async () => {
    await using server = await startTestServer();
    for (const path of ['/healthz', '/trpc/upload.ping']) {
      const res = await get(server.url, path, { origin: ALLOWED });
      const vary = (res.headers.get('vary') ?? '').split(/,\s*/).map((name) => name.toLowerCase());
      expect(vary, path).toContain('origin');
    }
  });

  it('serves requests without an Origin (scripts, servers) without CORS headers', async () => {
    await using server = await startTestServer();
    const res = await get(server.url, '/healthz');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
    expect(res.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('answers a preflight from an allowed Origin with 204 and the allow headers, and refuses one from another', async () => {
    await using server = await startTestServer();
    const preflight = await fetch(`${server.url}/trpc/session.create`, {
      method: 'OPTIONS',
      headers: {
        origin: ALLOWED,
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'content-type, authorization',
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe(ALLOWED);
    expect(preflight.headers.get('access-control-allow-credentials')).toBe('true');
    expect(preflight.headers.get('access-control-allow-methods')).toBe('GET, POST, OPTIONS');
    const allowHeaders = preflight.headers.get('access-control-allow-headers')?.split(/,\s*/) ?? [];
    expect(allowHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'trpc-accept']));
    expect(preflight.headers.get('access-control-max-age')).toBe('600');
    expect(await preflight.text()).toBe('');

    const evil = await fetch(`${server.url}/trpc/session.create`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'POST' },
    });
    expect(evil.status).toBe(403);
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses a WebSocket upgrade from a disallowed Origin with 403 and accepts allowed or absent ones', async () => {
    await using server = await startTestServer();
    expect(await upgradeStatus(server.url, EVIL)).toBe(403);
    expect(await upgradeStatus(server.url, 'http://localhost:3000.evil.example')).toBe(403);
    expect(await upgradeStatus(server.url, ALLOWED)).toBe(101);
    expect(await upgradeStatus(server.url)).toBe(101);
  });
});

describe("ALLOWED_ORIGINS='*'", () => {
  it('allows any Origin over HTTP and WebSocket', async () => {
    await using server = await startTestServer({ ALLOWED_ORIGINS: '*' });
    const res = await get(server.url, '/trpc/upload.ping', { origin: EVIL });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(EVIL);
    const preflight = await fetch(`${server.url}/trpc/upload.ping`, {
      method: 'OPTIONS',
      headers: { origin: EVIL, 'access-control-request-method': 'GET' },
    });
    expect(preflight.status).toBe(204);
    expect(await upgradeStatus(server.url, EVIL)).toBe(101);
  });
});

describe('a custom ALLOWED_ORIGINS list', () => {
  it('allows exactly the listed origins, trimmed, and nothing else', async () => {
    await using server = await startTestServer({ ALLOWED_ORIGINS: ' https://app.example , https://admin.example ' });
    expect((await get(server.url, '/healthz', { origin: 'https://app.example' })).status).toBe(200);
    expect((await get(server.url, '/healthz', { origin: 'https://admin.example' })).status).toBe(200);
    expect((await get(server.url, '/healthz', { origin: ALLOWED })).status).toBe(403);
    expect(await upgradeStatus(server.url, 'https://app.example')).toBe(101);
    expect(await upgradeStatus(server.url, ALLOWED)).toBe(403);
  });
});
