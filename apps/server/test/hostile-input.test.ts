import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { selectRows } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import {
  connectClient,
  followToEnd,
  startJob,
  startTestServer,
  type TestClient,
  tempDir,
  upload,
  usersCsv,
} from './fixtures';
import { openRawClient } from './raw-client';

type Payload = Record<string, unknown>;

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const SPOOL_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.csv$/;

const objectKeys = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayKeys = Object.getOwnPropertyNames(Array.prototype).sort();
const functionKeys = Object.getOwnPropertyNames(Function.prototype).sort();

/** Object.prototype, Array.prototype and Function.prototype are exactly as they were when this file loaded. */
function expectPrototypesUntouched(): void {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(objectKeys);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayKeys);
  expect(Object.getOwnPropertyNames(Function.prototype).sort()).toEqual(functionKeys);
  const probe: Record<string, unknown> = {};
  for (const key of ['polluted', 'isAdmin', 'owner', 'sessionId', 'jobId']) expect(probe[key], key).toBeUndefined();
  expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
}

/**
 * superjson envelopes that try to reach a prototype: own `__proto__` keys from JSON.parse, and meta paths through
 * `__proto__`, `constructor` and `prototype` in value annotations and referential equalities. Raw JSON text, so
 * `__proto__` stays an own key.
 */
function hostileEnvelopes(jobId: string): string[] {
  const json = `{"jobId":"${jobId}","__proto__":{"polluted":"yes","isAdmin":true},"constructor":{"prototype":{"polluted":"yes"}}}`;
  const meta = (m: string) => `{"json":${json},"meta":${m}}`;
  return [
    `{"json":${json}}`,
    meta('{"values":{"__proto__.polluted":["undefined"]}}'),
    meta('{"values":{"constructor.prototype.polluted":["undefined"]}}'),
    meta('{"values":{"__proto__":[["custom","x"]],"polluted":["set"]}}'),
    meta('{"values":{"jobId":["class","Object"]}}'),
    meta('{"values":{"__proto__.isAdmin":["Date"]}}'),
    meta('{"referentialEqualities":{"jobId":["__proto__.polluted","constructor.prototype.polluted"]}}'),
    meta('{"referentialEqualities":{"__proto__":["jobId"]}}'),
    meta('{"values":[["map",{"__proto__":["set"]}]]}'),
    `{"json":{"__proto__":{"polluted":"yes"}},"meta":{"values":{"__proto__":["map"]}}}`,
    `{"json":[["__proto__",{"polluted":"yes"}]],"meta":{"values":["map"]}}`,
    `{"json":{"jobId":"${jobId}","lastEventId":"1"},"meta":{"values":{"lastEventId.__proto__.polluted":["undefined"]}}}`,
  ];
}

function trpcUrl(url: string, path: string, input?: string): string {
  return `${url}/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(input)}`}`;
}

/** Fields of a JSON value, at any depth, whose key is `name`. */
function hasKeyDeep(value: unknown, name: string): boolean {
  if (Array.isArray(value)) return value.some((item) => hasKeyDeep(item, name));
  if (value && typeof value === 'object') {
    return Object.entries(value).some(([key, item]) => key === name || hasKeyDeep(item, name));
  }
  return false;
}

/** A response body of a failed call carries no stack trace and no server-side path. */
function expectNoInternals(body: string): void {
  expect(body).not.toMatch(/"stack"\s*:/);
  expect(body).not.toContain('/work/');
  expect(body).not.toContain('node_modules');
  expect(body).not.toMatch(/\bat .+:\d+:\d+/);
  expect(body).not.toMatch(/\.(ts|js|mjs|cjs):\d+/);
  const parsed: unknown = JSON.parse(body);
  expect(hasKeyDeep(parsed, 'stack')).toBe(false);
}

/** A multipart/form-data body with one file part, written by hand so the part's name and filename are exactly as given. */
function multipart(boundary: string, content: string, filename: string, field = 'file'): string {
  return [
    `--${boundary}`,
    `Content-Disposition: form-data; name="${field}"; filename="${filename}"`,
    'Content-Type: text/csv',
    '',
    content,
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

async function postMultipart(
  url: string,
  token: string,
  body: string,
  boundary: string,
): Promise<{ status: number; body: Payload }> {
  const res = await fetch(`${url}/uploads?template=users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
  });
  return { status: res.status, body: (await res.json()) as Payload };
}

/** Every file below `dir`, as paths relative to it. */
async function filesBelow(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)));
}

function lastPayload(got: { data: Array<{ payload: unknown }> }): Payload {
  return got.data.at(-1)?.payload as Payload;
}

async function importCsv(client: TestClient, server: Parameters<typeof upload>[0], body: string): Promise<Payload> {
  const res = await upload(server, { token: client.token, body });
  expect(res.status).toBe(201);
  return lastPayload(await followToEnd(client, res.body.jobId as string));
}

describe('prototype pollution', () => {
  it('is not reachable through superjson inputs over HTTP, queries and mutations', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const jobId = await startJob(server, client.token);
    const authorization = `Bearer ${client.token}`;
    for (const envelope of hostileEnvelopes(jobId)) {
      const query = await fetch(trpcUrl(server.url, 'upload.get', envelope), { headers: { authorization } });
      expect([200, 400], envelope).toContain(query.status);
      const queryBody = await query.text();
      if (query.status === 400) expectNoInternals(queryBody);
      else expect(hasKeyDeep(JSON.parse(queryBody), 'polluted'), envelope).toBe(false);
      for (const path of ['upload.cancel', 'session.create']) {
        const mutation = await fetch(trpcUrl(server.url, path), {
          method: 'POST',
          headers: { authorization, 'content-type': 'application/json' },
          body: envelope,
        });
        expect([200, 400], `${path} ${envelope}`).toContain(mutation.status);
        if (mutation.status === 400) expectNoInternals(await mutation.text());
        else await mutation.body?.cancel();
      }
      expectPrototypesUntouched();
    }
    expect(await client.trpc.upload.get.query({ jobId })).not.toHaveProperty('polluted');
    expectPrototypesUntouched();
  });

  it('is not reachable through superjson inputs over WebSocket, subscriptions included', async () => {
    await using server = await startTestServer({ MAX_MESSAGES_PER_SECOND: '1000' });
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    await using raw = await openRawClient(server.url, token);
    const envelopes = hostileEnvelopes(jobId);
    let id = 0;
    for (const envelope of envelopes) {
      for (const [method, path] of [
        ['query', 'upload.get'],
        ['mutation', 'upload.cancel'],
        ['subscription', 'upload.onProgress'],
      ] as const) {
        raw.socket.send(`{"id":${++id},"method":"${method}","params":{"path":"${path}","input":${envelope}}}`);
      }
    }
    raw.socket.send(`{"id":${++id},"method":"query","params":{"path":"upload.ping","input":{"json":null}}}`);
    const last = id;
    await waitFor(() => expect(raw.received.some((m) => m.id === last)).toBe(true));
    for (const message of raw.received) {
      expect(hasKeyDeep(message, 'polluted')).toBe(false);
      if (message.error) expectNoInternals(JSON.stringify(message));
    }
    expect(raw.socket.readyState).toBe(raw.socket.OPEN);
    expectPrototypesUntouched();
  });

  it('is not reachable through CSV column names or cells', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const header = await importCsv(client, server, '__proto__,constructor,prototype\nx,y,z\n');
    expect(header).toMatchObject({ status: 'failed' });
    expect(header.message).toBe(
      "Header does not match template 'users' (expected email,name,role): missing columns: email, name, role; unknown columns: __proto__, constructor, prototype",
    );
    expectPrototypesUntouched();

    const extra = await importCsv(client, server, 'email,name,role,__proto__\na@example.com,A,member,x\n');
    expect(extra).toMatchObject({ status: 'failed' });
    expect(extra.message).toContain('unknown columns: __proto__');

    const repeated = await importCsv(client, server, 'email,name,role,constructor,constructor\n');
    expect(repeated.message).toContain('unknown columns: constructor; repeated columns: constructor');

    const cells = [
      'email,name,role',
      '__proto__@example.com,__proto__,member',
      'ctor@example.com,constructor,admin',
      '__proto__,__proto__,__proto__',
      'proto@example.com,"{""__proto__"":{""polluted"":1}}",viewer',
    ].join('\n');
    const imported = await importCsv(client, server, cells);
    expect(imported).toMatchObject({ status: 'completed', processed: 4, inserted: 3, failed: 1 });
    const rows = await selectRows(server.services.store, 'SELECT email, name, role FROM users ORDER BY email');
    expect(rows).toEqual([
      { email: '__proto__@example.com', name: '__proto__', role: 'member' },
      { email: 'ctor@example.com', name: 'constructor', role: 'admin' },
      { email: 'proto@example.com', name: '{"__proto__":{"polluted":1}}', role: 'viewer' },
    ]);
    expectPrototypesUntouched();
  });
});

describe('path traversal', () => {
  it('keeps uploads inside DATA_DIR under random UUID names, whatever the template or filename says', async () => {
    await using root = await tempDir();
    const dataDir = join(root.path, 'a', 'b', 'data');
    await mkdir(dataDir, { recursive: true });
    await using server = await startTestServer({ DATA_DIR: dataDir });
    await using client = await connectClient(server);
    const { token } = client;

    for (const template of ['../../etc/passwd', '..%2F..%2Fusers', '/etc/passwd', 'users/../users', '..\\..\\users']) {
      const res = await upload(server, { token, template, body: usersCsv(1) });
      expect(res.status, template).toBe(400);
      expect(res.body.error).toMatch(/^Unknown template '/);
    }

    const filenames = [
      '../../evil.csv',
      '..\\..\\evil',
      '/etc/passwd',
      '../../../../../../tmp/evil.csv',
      '%2e%2e%2fevil.csv',
    ];
    const jobIds: string[] = [];
    for (const [i, filename] of filenames.entries()) {
      const boundary = `----hostile${i}`;
      const res = await postMultipart(
        server.url,
        token,
        multipart(boundary, usersCsv(2, { offset: i * 10 }), filename),
        boundary,
      );
      expect(res.status, filename).toBe(201);
      expect(res.body.jobId).toMatch(UUID_V4);
      jobIds.push(res.body.jobId as string);
      const spooled = await readdir(server.services.spoolDir);
      expect(
        spooled.every((name) => SPOOL_NAME.test(name)),
        spooled.join(),
      ).toBe(true);
    }
    const field = await postMultipart(server.url, token, multipart('b', usersCsv(1), 'x.csv', '../../file'), 'b');
    expect(field).toEqual({ status: 400, body: { error: "Missing the 'file' field" } });

    for (const jobId of jobIds) {
      expect(lastPayload(await followToEnd(client, jobId))).toMatchObject({ status: 'completed', inserted: 2 });
    }
    expect(resolve(server.services.spoolDir).startsWith(`${resolve(dataDir)}/`)).toBe(true);
    await waitFor(async () => expect(await readdir(server.services.spoolDir)).toEqual([]));
    const outside = (await filesBelow(root.path)).filter((file) => !file.startsWith(`${join('a', 'b', 'data')}/`));
    expect(outside).toEqual([]);
    for (const file of await filesBelow(dataDir)) expect(file).toMatch(/^jobstream\.db(-wal|-shm)?$/);
    for (const path of ['evil.csv', 'evil', '../evil.csv', '../../evil.csv', '../../../evil.csv']) {
      expect(existsSync(resolve(server.services.spoolDir, path)), path).toBe(false);
    }
    expect(existsSync('/tmp/evil.csv')).toBe(false);
  });

  it('answers 404 to errors.csv paths that try to leave the jobs', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const headers = { authorization: `Bearer ${client.token}` };
    for (const path of [
      '/uploads/..%2F..%2Fjobstream.db/errors.csv',
      '/uploads/..%2Fspool/errors.csv',
      '/uploads/%2e%2e/errors.csv',
      '/uploads/../jobstream.db',
      '/uploads/../../etc/passwd',
      `/uploads/${randomUUID()}/errors.csv`,
    ]) {
      const res = await fetch(`${server.url}${path}`, { headers });
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: 'Not found' });
    }
  });
});

describe('CSV formula injection', () => {
  it('prefixes rejected cells starting with =, +, -, @, tab or CR with a quote in errors.csv', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const csv = [
      'email,name,role',
      '"=HYPERLINK(""http://evil.example"")",Alice,member',
      'bob@example.com,+SUM(A1:A9),owner',
      '-2+3,Carol,member',
      '@cmd,Dan,member',
      'eve@example.com,Eve,=1+1',
      'tab@example.com,"\t=1",nope',
      'cr@example.com,"\r=1",nope',
      'ok@example.com,Ok,member',
    ].join('\n');
    const done = await importCsv(client, server, csv);
    expect(done).toMatchObject({ status: 'completed', processed: 8, inserted: 1, failed: 7 });
    const jobId = done.jobId as string;
    const res = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, {
      headers: { authorization: `Bearer ${client.token}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${jobId}-errors.csv"`);
    const role = '"Row N: role: must be one of admin, member, viewer"';
    expect((await res.text()).split('\r\n')).toEqual([
      'email,name,role,row,error',
      `"'=HYPERLINK(""http://evil.example"")",Alice,member,1,Row 1: email: Invalid email address`,
      `bob@example.com,'+SUM(A1:A9),owner,2,${role.replace('N', '2')}`,
      `'-2+3,Carol,member,3,Row 3: email: Invalid email address`,
      `'@cmd,Dan,member,4,Row 4: email: Invalid email address`,
      `eve@example.com,Eve,'=1+1,5,${role.replace('N', '5')}`,
      `tab@example.com,'\t=1,nope,6,${role.replace('N', '6')}`,
      `cr@example.com,"'\r=1",nope,7,${role.replace('N', '7')}`,
      '',
    ]);
  });

  it('gives another session the same 404 for errors.csv as for a job that does not exist', async () => {
    await using server = await startTestServer();
    await using owner = await connectClient(server);
    const other = await server.services.sessions.create();
    const done = await importCsv(owner, server, 'email,name,role\n=1,A,member\n');
    const theirs = await fetch(`${server.url}/uploads/${done.jobId as string}/errors.csv`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    const missing = await fetch(`${server.url}/uploads/${randomUUID()}/errors.csv`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    const anonymous = await fetch(`${server.url}/uploads/${done.jobId as string}/errors.csv`);
    expect(theirs.status).toBe(404);
    expect(anonymous.status).toBe(404);
    expect(await theirs.text()).toBe(await missing.text());
    expect(await anonymous.json()).toEqual({ error: 'Not found' });
  });
});

describe('error responses', () => {
  const secretPath = '/work/main/apps/server/src/secret-config.ts';

  it('hide stack traces and internal paths of an INTERNAL_SERVER_ERROR over HTTP and WebSocket', async () => {
    await using server = await startTestServer(
      {},
      {
        auth: {
          canAccess: () => {
            throw new Error(`cannot read ${secretPath} (node_modules/some-lib/index.js:1:1)`);
          },
        },
      },
    );
    const { token } = await server.services.sessions.create();
    const jobId = await startJob(server, token);
    const res = await fetch(trpcUrl(server.url, 'upload.get', JSON.stringify({ json: { jobId } })), {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.status).toBe(500);
    const body = await res.text();
    expectNoInternals(body);
    expect(body).not.toContain('secret-config');
    const parsed = JSON.parse(body) as { error: { json: { message: string; data: Payload } } };
    expect(parsed.error.json.message).toBe('Internal server error');
    expect(parsed.error.json.data.code).toBe('INTERNAL_SERVER_ERROR');

    const download = await fetch(`${server.url}/uploads/${jobId}/errors.csv`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(download.status).toBe(500);
    const downloadBody = await download.text();
    expect(JSON.parse(downloadBody)).toEqual({ error: 'Internal server error' });

    await using raw = await openRawClient(server.url, token);
    raw.socket.send(
      JSON.stringify({ id: 1, method: 'query', params: { path: 'upload.get', input: { json: { jobId } } } }),
    );
    raw.subscribe(2, jobId);
    await waitFor(() => expect(raw.received.filter((m) => m.error)).toHaveLength(2));
    for (const message of raw.received.filter((m) => m.error)) {
      const text = JSON.stringify(message);
      expectNoInternals(text);
      expect(message.error?.json.message).toBe('Internal server error');
    }
  });

  it('hide stack traces and internal paths of BAD_REQUEST and PARSE_ERROR over HTTP', async () => {
    await using server = await startTestServer();
    const { token } = await server.services.sessions.create();
    const headers = { authorization: `Bearer ${token}` };
    const invalid = await fetch(trpcUrl(server.url, 'upload.get', JSON.stringify({ json: { jobId: 'nope' } })), {
      headers,
    });
    expect(invalid.status).toBe(400);
    const invalidBody = await invalid.text();
    expectNoInternals(invalidBody);
    const parsed = JSON.parse(invalidBody) as { error: { json: { message: string; data: Payload } } };
    expect(parsed.error.json.data.code).toBe('BAD_REQUEST');
    expect(parsed.error.json.message).toContain('jobId must be a UUID');

    for (const input of ['{not json', '{"json":{"jobId":1},"meta":{"values":{"jobId":["class","Evil"]}}}', '[]']) {
      const res = await fetch(trpcUrl(server.url, 'upload.get', input), { headers });
      expect(res.status, input).toBeGreaterThanOrEqual(400);
      expect(res.status, input).toBeLessThan(500);
      expectNoInternals(await res.text());
    }
    const unknown = await fetch(trpcUrl(server.url, 'upload.nope'), { headers });
    expect(unknown.status).toBe(404);
    expectNoInternals(await unknown.text());
    const badBody = await fetch(trpcUrl(server.url, 'upload.cancel'), {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: '{"json":',
    });
    expect(badBody.status).toBe(400);
    expectNoInternals(await badBody.text());
  });
});

describe('identifiers', () => {
  it('issues 256-bit base64url session tokens in an HttpOnly SameSite=Lax cookie', async () => {
    await using server = await startTestServer();
    const tokens = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const res = await fetch(trpcUrl(server.url, 'session.create'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(res.status).toBe(200);
      const { token } = ((await res.json()) as { result: { data: { json: { token: string } } } }).result.data.json;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43,}$/);
      expect(Buffer.from(token, 'base64url')).toHaveLength(32);
      const cookie = res.headers.get('set-cookie') ?? '';
      expect(cookie.startsWith(`jobstream_session=${token};`)).toBe(true);
      expect(cookie).toContain('HttpOnly');
      expect(cookie).toContain('SameSite=Lax');
      expect(cookie).toContain('Path=/');
      tokens.add(token);
    }
    expect(tokens.size).toBe(5);
    const [row] = await selectRows<{ token_hash: string }>(server.services.store, 'SELECT token_hash FROM sessions');
    expect(row?.token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect(tokens.has(row?.token_hash as string)).toBe(false);
  });

  it('sets the Secure flag on the session cookie when COOKIE_SECURE=true', async () => {
    await using server = await startTestServer({ COOKIE_SECURE: 'true' });
    const res = await fetch(trpcUrl(server.url, 'session.create'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.headers.get('set-cookie')).toMatch(/; Secure$/);
  });

  it('names jobs with random v4 UUIDs', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await upload(server, { token: client.token, body: usersCsv(1, { offset: i }) });
      expect(res.body.jobId).toMatch(UUID_V4);
      ids.add(res.body.jobId as string);
      await followToEnd(client, res.body.jobId as string);
    }
    expect(ids.size).toBe(3);
  });

  it('treats malformed, foreign and guessed tokens as no session', async () => {
    await using server = await startTestServer();
    const real = (await server.services.sessions.create()).token;
    for (const token of [
      '',
      'x',
      `${real}x`,
      real.slice(0, -1),
      `${real.slice(0, 10)}${real[10] === 'A' ? 'B' : 'A'}${real.slice(11)}`,
      ' '.repeat(43),
      'A'.repeat(43),
    ]) {
      const res = await upload(server, { token, body: usersCsv(1) });
      expect(res.status, token).toBe(401);
    }
  });
});
