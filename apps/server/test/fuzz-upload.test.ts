import { readdir } from 'node:fs/promises';
import { request } from 'node:http';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it, onTestFinished } from 'vitest';
import { connectClient, followToEnd, startTestServer, type TestClient, tempDir, upload, usersCsv } from './fixtures';
import { mulberry32, SEED } from './fuzz-seed';
import { freePort, startLoggedProcess } from './server-process';

type Payload = Record<string, unknown>;
type Server = Awaited<ReturnType<typeof startTestServer>>;

const UPLOADS = 120;
const MAX_UPLOAD_BYTES = 1024 * 1024;

interface Rng {
  float(): number;
  int(max: number): number;
  pick<T>(items: readonly T[]): T;
  bytes(length: number): Buffer;
  chance(p: number): boolean;
}

function rng(seed: number): Rng {
  const next = mulberry32(seed);
  const int = (max: number) => Math.floor(next() * max);
  return {
    float: next,
    int,
    pick: (items) => items[int(items.length)] as (typeof items)[number],
    bytes: (length) => Buffer.from(Array.from({ length }, () => int(256))),
    chance: (p) => next() < p,
  };
}

const CELL_PIECES = [
  'a',
  'user@example.com',
  'admin',
  'member',
  'viewer',
  ',',
  ',',
  '"',
  '""',
  '\n',
  '\r\n',
  '\r',
  '\t',
  ' ',
  ';',
  '\\',
  '\u0000',
  '\uFEFF',
  'é',
  '𝄞',
  '\u202E',
  '=1+1',
  '__proto__',
  'x'.repeat(300),
];
const INVALID_UTF8 = [
  [0xff],
  [0xfe, 0xff],
  [0xc3, 0x28],
  [0xe2, 0x28, 0xa1],
  [0xf0, 0x28, 0x8c, 0x28],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0x80],
];

/** A CSV-ish body: a valid, broken or missing header, then rows of random pieces, with invalid UTF-8 sprinkled in. */
function randomCsv(r: Rng): Buffer {
  const parts: Buffer[] = [];
  const header = r.pick([
    'email,name,role\n',
    'email,name,role\r\n',
    'name,email\n',
    '"email","name","role"\n',
    '',
    '\uFEFFemail,name,role\n',
  ]);
  parts.push(Buffer.from(header));
  const rows = r.int(40);
  for (let row = 0; row < rows; row++) {
    const pieces = r.int(12);
    let line = '';
    for (let i = 0; i < pieces; i++) line += r.pick(CELL_PIECES);
    parts.push(Buffer.from(line));
    if (r.chance(0.1)) parts.push(Buffer.from(r.pick(INVALID_UTF8)));
    parts.push(Buffer.from(r.pick(['\n', '\r\n', '', '\n\n'])));
  }
  return Buffer.concat(parts);
}

interface FuzzCase {
  name: string;
  contentType?: string;
  body: Buffer;
}

/** One random upload: random bytes or CSV, raw or multipart (well-formed, truncated or with a wrong boundary). */
function randomCase(r: Rng, index: number): FuzzCase {
  const body = r.chance(0.25) ? r.bytes(r.int(2048)) : randomCsv(r);
  const kind = r.int(10);
  if (kind < 5) {
    const contentType = r.pick(['text/csv', 'application/octet-stream', 'text/plain', 'text/csv; charset=latin1']);
    return { name: `${index}: raw ${contentType}`, contentType, body };
  }
  if (kind < 6) {
    const contentType = r.pick(['application/json', 'image/png', 'multipart/mixed', '', 'text/html']);
    return { name: `${index}: unsupported '${contentType}'`, contentType: contentType || undefined, body };
  }
  const boundary = `fuzz${r.int(1e9)}`;
  const form = multipartParts(boundary, body, r.pick(['file', 'file', 'file', 'other', '']));
  if (kind < 8)
    return { name: `${index}: multipart`, contentType: `multipart/form-data; boundary=${boundary}`, body: form };
  if (kind < 9) {
    const cut = form.subarray(0, r.int(form.length));
    return {
      name: `${index}: truncated multipart`,
      contentType: `multipart/form-data; boundary=${boundary}`,
      body: cut,
    };
  }
  const wrong = r.pick([`boundary=other${boundary}`, '', 'boundary=', `boundary="${boundary}x"`]);
  return {
    name: `${index}: multipart with wrong boundary '${wrong}'`,
    contentType: `multipart/form-data; ${wrong}`,
    body: form,
  };
}

function multipartParts(boundary: string, content: Buffer, field = 'file'): Buffer {
  return Buffer.concat([
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="${field}"; filename="upload.csv"\r\nContent-Type: text/csv\r\n\r\n`,
    ),
    content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
}

interface Answer {
  status: number;
  body: Payload;
}

/** POSTs a body to `/uploads` with exactly the given content type (or none); chunked unless `length` is given. */
async function post(server: Server, token: string, body: Buffer, contentType?: string): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (contentType !== undefined) headers['content-type'] = contentType;
  const res = await fetch(`${server.url}/uploads?template=users`, { method: 'POST', headers, body });
  const text = await res.text();
  let parsed: Payload;
  try {
    parsed = JSON.parse(text) as Payload;
  } catch {
    parsed = { unparsed: text };
  }
  return { status: res.status, body: parsed };
}

/** Starts a raw `POST /uploads`, writes `head`, then ends the body early (`end`) or drops the connection (`destroy`). */
function postThenCut(
  server: Server,
  token: string,
  options: {
    contentType: string;
    head: Buffer;
    declaredLength?: number;
    cut: 'end' | 'destroy';
    beforeCut?: () => Promise<void>;
  },
): Promise<Answer | 'no answer'> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, 'content-type': options.contentType };
    if (options.declaredLength !== undefined) headers['content-length'] = String(options.declaredLength);
    const req = request(`${server.url}/uploads?template=users`, { method: 'POST', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Payload }));
      res.on('error', () => resolve('no answer'));
    });
    req.on('error', () => resolve('no answer'));
    req.write(options.head, async () => {
      try {
        await options.beforeCut?.();
      } catch (error) {
        reject(error);
      }
      if (options.cut === 'end') req.end();
      else req.destroy();
    });
  });
}

async function spooled(server: Server): Promise<string[]> {
  try {
    return await readdir(server.services.spoolDir);
  } catch {
    return [];
  }
}

function lastPayload(got: { data: Array<{ payload: unknown }> }): Payload {
  return got.data.at(-1)?.payload as Payload;
}

async function expectHealthy(server: Server, client: TestClient): Promise<void> {
  const health = await fetch(`${server.url}/healthz`);
  expect(health.status).toBe(200);
  const res = await upload(server, { token: client.token, body: usersCsv(250, { offset: 10_000_000 }) });
  expect(res.status).toBe(201);
  expect(lastPayload(await followToEnd(client, res.body.jobId as string))).toMatchObject({
    status: 'completed',
    processed: 250,
    total: 250,
    inserted: 250,
    updated: 0,
    failed: 0,
    errors: [],
  });
}

describe('upload fuzzing', () => {
  it(`answers ${UPLOADS} random and malformed uploads with a 4xx or a job that ends, never a 5xx`, async () => {
    console.log(`fuzz-upload seed: ${SEED} (replay with FUZZ_SEED=${SEED})`);
    await using server = await startTestServer({
      MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES),
      MAX_RUNNING_IMPORTS: '1000',
    });
    await using client = await connectClient(server);
    // An 'error' event nobody listens to would crash a production process; here it would only be reported late.
    const uncaught: string[] = [];
    const onUncaught = (error: Error) => uncaught.push(error.message);
    process.on('uncaughtException', onUncaught);
    onTestFinished(() => {
      process.off('uncaughtException', onUncaught);
    });
    const r = rng(SEED);
    const accepted: string[] = [];
    const statuses = new Map<number, number>();
    for (let i = 0; i < UPLOADS; i++) {
      const fuzz = randomCase(r, i);
      const answer = await post(server, client.token, fuzz.body, fuzz.contentType);
      statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
      expect([201, 400, 413, 415], fuzz.name).toContain(answer.status);
      if (answer.status === 201) {
        expect(answer.body.jobId, fuzz.name).toEqual(expect.any(String));
        const got = await followToEnd(client, answer.body.jobId as string);
        expect(got.errors, fuzz.name).toEqual([]);
        const end = lastPayload(got);
        expect(['completed', 'failed'], fuzz.name).toContain(end.status);
        if (end.status === 'failed') expect(end.message, fuzz.name).toEqual(expect.stringMatching(/\S/));
        accepted.push(answer.body.jobId as string);
      } else {
        expect(answer.body.error, fuzz.name).toEqual(expect.stringMatching(/\S/));
      }
    }
    console.log('fuzz-upload statuses', Object.fromEntries(statuses));
    expect(uncaught, `uncaught exceptions while uploading (FUZZ_SEED=${SEED})`).toEqual([]);
    const listed = await client.trpc.upload.list.query({ limit: 100 });
    expect(listed.length).toBe(Math.min(100, accepted.length));
    expect(listed.every((job) => job.status === 'completed' || job.status === 'failed')).toBe(true);
    await waitFor(async () => expect(await spooled(server)).toEqual([]));
    await expectHealthy(server, client);
  });

  it('fails a line longer than 64 KiB with its line number and stays healthy', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const csv = `${usersCsv(3)}long@example.com,${'y'.repeat(70 * 1024)},member\nlast@example.com,Last,member\n`;
    const res = await upload(server, { token: client.token, body: csv });
    expect(res.status).toBe(201);
    const end = lastPayload(await followToEnd(client, res.body.jobId as string));
    expect(end).toMatchObject({
      status: 'failed',
      message: 'Malformed CSV at line 5: a row is longer than the allowed size',
    });
    await expectHealthy(server, client);
  });

  it('fails a row of 40 million commas (40 MB) at the column limit without building it, and stays healthy', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const before = process.memoryUsage().rss;
    for (const [body, message] of [
      [
        Buffer.concat([Buffer.from('email,name,role\nwide@example.com'), Buffer.alloc(40_000_000, ',')]),
        'Row 1 has too many columns (more than 1000)',
      ],
      [
        Buffer.concat([Buffer.from('email'), Buffer.alloc(40_000_000, ','), Buffer.from('\n')]),
        'The header has too many columns (more than 1000)',
      ],
    ] as const) {
      const answer = await post(server, client.token, body, 'text/csv');
      expect(answer.status).toBe(201);
      expect(lastPayload(await followToEnd(client, answer.body.jobId as string))).toMatchObject({
        status: 'failed',
        message,
      });
    }
    // The parser stopped at cell 1,001: no record of millions of cells was ever built.
    expect(process.memoryUsage().rss - before).toBeLessThan(300 * 1024 * 1024);
    await waitFor(async () => expect(await spooled(server)).toEqual([]));
    await expectHealthy(server, client);
  });

  it('answers zero-byte bodies with 400 and creates no job', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const empty = Buffer.alloc(0);
    expect(await post(server, client.token, empty, 'text/csv')).toEqual({
      status: 400,
      body: { error: 'The file is empty' },
    });
    expect(await post(server, client.token, multipartParts('b0', empty), 'multipart/form-data; boundary=b0')).toEqual({
      status: 400,
      body: { error: 'The file is empty' },
    });
    expect((await post(server, client.token, empty, 'multipart/form-data; boundary=b1')).status).toBe(400);
    expect(await client.trpc.upload.list.query()).toEqual([]);
    await expectHealthy(server, client);
  });

  it('answers a multipart body that ends early with 400, creates no job and keeps no file', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const whole = multipartParts('cut', Buffer.from(usersCsv(2_000)));
    for (const at of [10, 60, 120, 5_000, whole.length - 10]) {
      const answer = await postThenCut(server, client.token, {
        contentType: 'multipart/form-data; boundary=cut',
        head: whole.subarray(0, at),
        cut: 'end',
      });
      expect(answer, `cut at ${at}`).toEqual({ status: 400, body: { error: 'Malformed multipart body' } });
    }
    expect(await client.trpc.upload.list.query()).toEqual([]);
    await waitFor(async () => expect(await spooled(server)).toEqual([]));
    await expectHealthy(server, client);
  });

  it('answers multipart bodies with a wrong or missing boundary with 400 and no job', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const form = multipartParts('right', Buffer.from(usersCsv(3)));
    for (const type of [
      'multipart/form-data; boundary=wrong',
      'multipart/form-data',
      'multipart/form-data; boundary=',
      'multipart/form-data; boundary=righ',
      `multipart/form-data; boundary=${'x'.repeat(200)}`,
    ]) {
      const answer = await post(server, client.token, form, type);
      expect(answer.status, type).toBe(400);
      expect(["Missing the 'file' field", 'Malformed multipart body'], type).toContain(answer.body.error);
    }
    expect(await client.trpc.upload.list.query()).toEqual([]);
    await expectHealthy(server, client);
  });

  it.each(['multipart/form-data; boundary=gone', 'text/csv'])(
    'drops the spooled file when a %s upload is abandoned mid-body',
    async (contentType) => {
      await using server = await startTestServer();
      await using client = await connectClient(server);
      const content = Buffer.from(usersCsv(2_000));
      const whole = contentType.startsWith('multipart') ? multipartParts('gone', content) : content;
      const answer = await postThenCut(server, client.token, {
        contentType,
        head: whole.subarray(0, Math.floor(whole.length / 2)),
        declaredLength: whole.length,
        cut: 'destroy',
        beforeCut: () => waitFor(async () => expect(await spooled(server)).toHaveLength(1)),
      });
      expect(answer).toBe('no answer');
      await waitFor(async () => expect(await spooled(server)).toEqual([]));
      expect(await client.trpc.upload.list.query()).toEqual([]);
      await expectHealthy(server, client);
    },
  );

  it('survives a truncated multipart body whose file part is not the file field (no uncaught stream error)', async () => {
    await using dir = await tempDir();
    await using server = await startLoggedProcess({ PORT: String(await freePort()), DATA_DIR: dir.path });
    const session = await fetch(`${server.url}/trpc/session.create`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    const { token } = ((await session.json()) as { result: { data: { json: { token: string } } } }).result.data.json;
    for (const field of ['other', 'file']) {
      const form = multipartParts('part', Buffer.from(usersCsv(50)), field);
      const answer = await fetch(`${server.url}/uploads?template=users`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=part' },
        body: form.subarray(0, form.length - 30),
      }).then(
        async (res) => ({ status: res.status, body: (await res.json()) as unknown }),
        (error: unknown) => ({
          status: 0,
          body: `no answer: ${String(error)}; server exit code ${server.child.exitCode}`,
        }),
      );
      expect(answer, `part named '${field}'`).toEqual({ status: 400, body: { error: 'Malformed multipart body' } });
    }
    const health = await fetch(`${server.url}/healthz`).then(
      (res) => res.status,
      () => 0,
    );
    expect(health).toBe(200);
    expect(server.child.exitCode).toBeNull();
  });
});
