import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { builtInTemplates, defineTemplate } from '@jobstream/importer';
import { countRows, selectRows } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  connectClient,
  follow,
  followToEnd,
  holdImports,
  startTestServer,
  testData,
  upload,
  usersCsv,
} from './fixtures';

type Payload = Record<string, unknown>;
type Server = Awaited<ReturnType<typeof startTestServer>>;

function lastPayload(got: { data: Array<{ payload: unknown }> }): Payload {
  return got.data.at(-1)?.payload as Payload;
}

function userCount(server: Server): Promise<number> {
  return countRows(server.services.store, 'users');
}

describe('CSV imports', () => {
  it('imports a valid users file, streams progress and ends with exact counts', async () => {
    await using server = await startTestServer({ PROGRESS_INTERVAL_MS: '0' });
    await using client = await connectClient(server);
    const res = await upload(server, { token: client.token, body: usersCsv(5_000) });
    expect(res.status).toBe(201);
    const jobId = res.body.jobId as string;
    const got = await followToEnd(client, jobId);

    expect(got.errors).toEqual([]);
    expect(lastPayload(got)).toMatchObject({
      status: 'completed',
      processed: 5000,
      total: 5000,
      inserted: 5000,
      updated: 0,
      failed: 0,
      errors: [],
    });
    const progress = got.data.filter((d) => d.event === 'upload-progress').map((d) => d.payload as Payload);
    expect(progress.length).toBeLessThan(5000 / 10);
    const last = progress.at(-1) as Payload;
    expect(last.processed).toBe(last.total);
    expect(last.message).toBe('Processing 5000 of 5000 rows');
    const stored = await client.trpc.upload.get.query({ jobId });
    expect(stored).toMatchObject({ status: 'completed', inserted: 5000, processed: 5000, progress: 100 });
    expect(await userCount(server)).toBe(5000);
  });

  it('accepts multipart uploads with a BOM and CRLF line ends', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const res = await upload(server, {
      token: client.token,
      multipart: true,
      body: `\uFEFF${usersCsv(3, { newline: '\r\n' })}`,
    });
    expect(res.status).toBe(201);
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({ status: 'completed', processed: 3, inserted: 3, failed: 0 });
    const [row] = await selectRows(server.services.store, "SELECT * FROM users WHERE email = 'user2@example.com'");
    expect(row).toMatchObject({ name: 'User 2', role: 'member' });
  });

  it("records the file's name (multipart) and size with the job", async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const body = usersCsv(3);
    const named = await upload(server, { token: client.token, multipart: true, fileName: 'März team.csv', body });
    const raw = await upload(server, { token: client.token, body });
    await followToEnd(client, named.body.jobId as string);
    await followToEnd(client, raw.body.jobId as string);
    const bytes = Buffer.byteLength(body);
    expect(await client.trpc.upload.get.query({ jobId: named.body.jobId as string })).toMatchObject({
      fileName: 'März team.csv',
      fileBytes: bytes,
    });
    const unnamed = await client.trpc.upload.get.query({ jobId: raw.body.jobId as string });
    expect(unnamed.fileBytes).toBe(bytes);
    expect(unnamed).not.toHaveProperty('fileName');
  });

  it('rejects invalid rows of each kind with exact messages and keeps the valid ones', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const csv = [
      'email,name,role',
      'ok@example.com,Ok,admin',
      'not-an-email,Bad Email,member',
      'blank@example.com,   ,member',
      `long@example.com,${'x'.repeat(201)},member`,
      'role@example.com,Bad Role,owner',
      'default@example.com,Default Role,',
      'short@example.com,Too Few',
      'OK@Example.com,Duplicate,viewer',
      '"quoted, name@example.com",x,member',
    ].join('\n');
    const res = await upload(server, { token: client.token, body: csv });
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({
      status: 'completed',
      processed: 9,
      total: 9,
      inserted: 2,
      failed: 7,
      errors: [
        'Row 2: email: Invalid email address',
        'Row 3: name: is required',
        'Row 4: name: must be at most 200 characters',
        'Row 5: role: must be one of admin, member, viewer',
        'Row 7: role: missing (the row has 2 of 3 columns)',
        'Row 8: email: duplicate of an earlier row',
        'Row 9: email: Invalid email address',
      ],
    });
    const roles = await selectRows(server.services.store, "SELECT role FROM users WHERE email = 'default@example.com'");
    expect(roles).toEqual([{ role: 'member' }]);
  });

  it('updates rows whose key already exists (case-insensitive) and counts them as updated', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const first = await upload(server, { token: client.token, body: usersCsv(10) });
    await followToEnd(client, first.body.jobId as string);
    const csv = 'email,name,role\nUSER1@example.com,Renamed,viewer\nnew@example.com,New,member\n';
    const second = await upload(server, { token: client.token, body: csv });
    const got = await followToEnd(client, second.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({ status: 'completed', processed: 2, inserted: 1, updated: 1, failed: 0 });
    const rows = await selectRows(
      server.services.store,
      "SELECT name, role FROM users WHERE email = 'user1@example.com'",
    );
    expect(rows).toEqual([{ name: 'Renamed', role: 'viewer' }]);
  });

  it('validates products: decimal price and whole-number quantity', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const csv = 'sku,name,price,quantity\nA-1,Lamp,19.99,3\nA-2,Chair,-1,2\nA-3,Desk,10,1.5\n,Nameless,1,1\n';
    const res = await upload(server, { token: client.token, template: 'products', body: csv });
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({
      status: 'completed',
      inserted: 1,
      failed: 3,
      errors: [
        'Row 2: price: must be a decimal number >= 0',
        'Row 3: quantity: must be a whole number >= 0',
        'Row 4: sku: is required',
      ],
    });
  });

  it('fails the job at once when the header does not match, naming the columns', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const res = await upload(server, { token: client.token, body: 'email,fullname,age\na@example.com,A,3\n' });
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({
      status: 'failed',
      message:
        "Header does not match template 'users' (expected email,name,role): missing columns: name, role; unknown columns: fullname, age",
    });
  });

  it('fails a malformed file with its line number', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const res = await upload(server, {
      token: client.token,
      body: 'email,name,role\na@example.com,A,member\nb@example.com,"Unclosed,member\n',
    });
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({
      status: 'failed',
      message: 'Malformed CSV at line 3: a quoted field is not closed',
    });
  });

  it('completes a header-only file with zero rows', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const res = await upload(server, { token: client.token, body: 'email,name,role\n' });
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({ status: 'completed', processed: 0, total: 0, inserted: 0 });
  });

  it('rejects bad requests with clear HTTP errors and creates no job', async () => {
    await using server = await startTestServer({ MAX_UPLOAD_BYTES: '1000' });
    await using client = await connectClient(server);
    const { token } = client;
    expect(await upload(server, { token, template: 'nope', body: usersCsv(1) })).toEqual({
      status: 400,
      body: { error: "Unknown template 'nope'" },
    });
    expect(await upload(server, { token, body: '' })).toEqual({ status: 400, body: { error: 'The file is empty' } });
    expect(await upload(server, { token, body: usersCsv(100) })).toEqual({
      status: 413,
      body: { error: 'The file is larger than the limit of 1000 bytes' },
    });
    expect((await upload(server, { token, body: '{}', contentType: 'application/json' })).status).toBe(415);
    expect(await upload(server, { body: usersCsv(1) })).toEqual({
      status: 401,
      body: { error: 'No session: call session.create first' },
    });
    const form = new FormData();
    form.append('other', 'x');
    const missing = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
      body: form,
    });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: "Missing the 'file' field" });
    expect(await client.trpc.upload.list.query()).toEqual([]);
  });

  it('rejects a chunked body that grows past the limit with 413', async () => {
    await using server = await startTestServer({ MAX_UPLOAD_BYTES: '10000' });
    await using client = await connectClient(server);
    const chunks = new ReadableStream({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new TextEncoder().encode(usersCsv(20, { offset: i * 20 })));
        controller.close();
      },
    });
    const response = await fetch(`${server.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${client.token}`, 'content-type': 'text/csv' },
      body: chunks,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(await client.trpc.upload.list.query()).toEqual([]);
  });

  it('cancels a running job: it ends failed with Cancelled, storing exactly the rows committed', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const hold = holdImports(server);
    const res = await upload(server, { token: client.token, body: usersCsv(2_500) });
    const jobId = res.body.jobId as string;
    const got = follow(client, jobId);
    await waitFor(() => expect([...hold.held.keys()]).toEqual([jobId]));
    expect(await client.trpc.upload.cancel.mutate({ jobId })).toEqual({ cancelled: true });
    await waitFor(() => expect(got.done).toBe(true));
    expect(lastPayload(got)).toMatchObject({ status: 'failed', message: 'Cancelled' });
    // Stored: exactly what was committed when the cancel came, whether or not a progress report had happened.
    const committed = hold.held.get(jobId);
    const stored = await client.trpc.upload.get.query({ jobId });
    expect(committed?.processed).toBeGreaterThan(0);
    expect(stored).toMatchObject({ status: 'failed', processed: committed?.processed, inserted: committed?.processed });
    expect(stored).toMatchObject({ updated: 0, failed: 0 });
    expect(await userCount(server)).toBe(committed?.processed);
    expect(await client.trpc.upload.cancel.mutate({ jobId })).toEqual({ cancelled: false });
    hold.release();
  });

  it('stores the committed counts of a job that fails mid-file, not those of the batch it discarded', async () => {
    // No progress report before the failure: the stored counts can only come from the committed batches.
    await using server = await startTestServer({ PROGRESS_INTERVAL_MS: '3600000' });
    await using client = await connectClient(server);
    const csv = `${usersCsv(1_500)}bad,Bad,member\nlast@example.com,"Unclosed,member\n`;
    const res = await upload(server, { token: client.token, body: csv });
    const got = await followToEnd(client, res.body.jobId as string);
    expect(lastPayload(got)).toMatchObject({
      status: 'failed',
      message: 'Malformed CSV at line 1503: a quoted field is not closed',
    });
    const stored = await client.trpc.upload.get.query({ jobId: res.body.jobId as string });
    expect(stored).toMatchObject({ processed: 1_000, inserted: 1_000, failed: 0, errors: [] });
    expect(await userCount(server)).toBe(1_000);
  });

  it('refuses a file of only a BOM, newlines or blank lines with 400 and creates no job', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    for (const body of ['\uFEFF', '\n\n\n', '\r\n\r\n', '\uFEFF  \n\t\n\n']) {
      for (const multipart of [false, true]) {
        const answer = await upload(server, { token: client.token, body, multipart });
        expect(answer, JSON.stringify({ body, multipart })).toEqual({
          status: 400,
          body: { error: 'The file is empty' },
        });
      }
    }
    expect(await client.trpc.upload.list.query()).toEqual([]);
    expect(await readdir(server.services.spoolDir)).toEqual([]);
    const owner = (await server.services.sessions.resolve(client.token)) ?? '';
    (await server.services.imports.reserve(owner)).release();
  });

  it('deletes at start-up the uploads a previous process spooled, and nothing else', async () => {
    await using dir = await testData();
    const spool = join(dir.path, 'spool');
    await mkdir(spool, { recursive: true });
    const orphan = '0b7e5b1c-4a8f-4c52-9d0e-1f2a3b4c5d6e.csv';
    await writeFile(join(spool, orphan), usersCsv(3));
    await writeFile(join(spool, 'notes.txt'), 'not an upload');
    await writeFile(join(spool, 'export.csv'), 'not an upload either');
    await using server = await startTestServer({ ...dir.env });
    expect((await readdir(spool)).sort()).toEqual(['export.csv', 'notes.txt']);
    await using client = await connectClient(server);
    const res = await upload(server, { token: client.token, body: usersCsv(2) });
    expect(lastPayload(await followToEnd(client, res.body.jobId as string))).toMatchObject({ status: 'completed' });
  });

  it('imports with a template the host adds: one file defining it, passed with the built-in ones', async () => {
    // What a host's template file holds; `sqlTypes` only names the columns not stored as TEXT.
    const contacts = defineTemplate({
      name: 'contacts',
      label: 'Contacts',
      table: 'contacts',
      key: 'phone',
      columns: z.object({
        phone: z
          .string()
          .trim()
          .regex(/^\d{6,15}$/, 'must be 6-15 digits'),
        visits: z.coerce.number('must be a number').int('must be a whole number'),
      }),
      sqlTypes: { visits: 'INTEGER' },
    });
    await using server = await startTestServer({}, { templates: [...builtInTemplates, contacts] });
    const { token } = await server.services.sessions.create();
    const csv = 'visits,phone\n3,123456\nmany,654321\n';
    const res = await upload(server, { token, template: 'contacts', body: csv });
    expect(res.status).toBe(201);
    await server.services.imports.settled(res.body.jobId as string);
    expect(await server.services.jobs.get(res.body.jobId as string)).toMatchObject({
      status: 'completed',
      inserted: 1,
      failed: 1,
      errors: ['Row 2: visits: must be a number'],
    });
    expect(await selectRows(server.services.store, 'SELECT phone, visits FROM contacts')).toEqual([
      { phone: '123456', visits: 3 },
    ]);
    expect(server.services.templates.list().map((template) => template.name)).toEqual([
      'users',
      'products',
      'contacts',
    ]);
  });

  it('states its upload limits from its configuration', async () => {
    await using server = await startTestServer({ MAX_UPLOAD_BYTES: '4096', MAX_ROWS: '12' });
    await using client = await connectClient(server);
    expect(await client.trpc.upload.limits.query()).toEqual({ maxUploadBytes: 4096, maxRows: 12 });
  });

  it('lists the caller’s jobs newest first and lists the templates with their columns', async () => {
    await using server = await startTestServer();
    await using client = await connectClient(server);
    const a = await upload(server, { token: client.token, body: usersCsv(1) });
    await followToEnd(client, a.body.jobId as string);
    const b = await upload(server, { token: client.token, body: usersCsv(2) });
    await followToEnd(client, b.body.jobId as string);
    const jobs = await client.trpc.upload.list.query();
    expect(jobs.map((job) => job.jobId)).toEqual([b.body.jobId, a.body.jobId]);
    expect(jobs[0]).not.toHaveProperty('owner');
    expect(jobs[0]?.createdAt).toBeInstanceOf(Date);
    const templates = await client.trpc.upload.templates.query();
    expect(templates.map((t) => t.name)).toEqual(['users', 'products']);
    expect(templates[0]?.columns).toEqual([
      { name: 'email', required: true, description: 'Email address; unique, compared case-insensitively' },
      { name: 'name', required: true, description: 'Display name, 1-200 characters' },
      { name: 'role', required: false, description: 'admin, member or viewer; empty means member' },
    ]);
  });
});
