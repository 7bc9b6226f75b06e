import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, utimes, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { countRows } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { connectClient, followToEnd, holdImports, startTestServer, upload, usersCsv } from './fixtures';

/** `JOB_RETENTION_DAYS` for an age of `ms` milliseconds. */
const days = (ms: number) => String(ms / 86_400_000);

describe('retention sweep', () => {
  it('removes ended jobs with their rejected rows, unused sessions and stale spooled uploads; never a running job', async () => {
    await using server = await startTestServer({
      JOB_RETENTION_DAYS: days(300),
      RETENTION_SWEEP_MS: '50',
      PROGRESS_INTERVAL_MS: '0',
    });
    const { store, spoolDir } = server.services;
    await using client = await connectClient(server);
    const ended = await upload(server, { token: client.token, body: `${usersCsv(20)}bad,Bad,member\n` });
    await followToEnd(client, ended.body.jobId as string);
    expect(await countRows(store, 'job_row_errors')).toBe(1);

    const hold = holdImports(server);
    const running = await upload(server, { token: client.token, body: usersCsv(3_000, { offset: 100 }) });
    const runningId = running.body.jobId as string;
    await waitFor(() => expect(hold.held.has(runningId)).toBe(true));
    const unused = (await server.services.sessions.create()).token;

    await mkdir(spoolDir, { recursive: true });
    const stale = join(spoolDir, `${randomUUID()}.csv`);
    const other = join(spoolDir, 'notes.txt');
    for (const file of [stale, other]) {
      await writeFile(file, 'email,name,role\n');
      await utimes(file, new Date(0), new Date(0));
    }
    const runningUpload = join(spoolDir, `${runningId}.csv`);
    await utimes(runningUpload, new Date(0), new Date(0));

    await waitFor(async () => expect(await server.services.jobs.get(ended.body.jobId as string)).toBeUndefined());
    await waitFor(() => expect(existsSync(stale)).toBe(false));
    await waitFor(async () => expect(await server.services.sessions.resolve(unused)).toBeUndefined());
    expect(await countRows(store, 'job_row_errors')).toBe(0);
    // The running job, its owner's session and its upload stay, however old; so do files the sweep did not write.
    expect(await server.services.jobs.get(runningId)).toMatchObject({ status: 'processing' });
    expect(await server.services.sessions.resolve(client.token)).toEqual(expect.any(String));
    expect(existsSync(runningUpload)).toBe(true);
    expect(existsSync(other)).toBe(true);
    // Imported rows are the application's data, not the job's: they stay.
    expect(await countRows(store, 'users')).toBeGreaterThanOrEqual(20);

    hold.release();
    await followToEnd(client, runningId);
    await waitFor(async () => expect(await server.services.jobs.get(runningId)).toBeUndefined());
  });

  it('keeps everything with JOB_RETENTION_DAYS=0', async () => {
    await using server = await startTestServer({ JOB_RETENTION_DAYS: '0', RETENTION_SWEEP_MS: '10' });
    await using client = await connectClient(server);
    const ended = await upload(server, { token: client.token, body: usersCsv(5) });
    await followToEnd(client, ended.body.jobId as string);
    const stored = await server.services.jobs.get(ended.body.jobId as string);
    // With a retention of 0 meaning "no age at all", a sweep every 10 ms would have removed it by now.
    const second = await upload(server, { token: client.token, body: usersCsv(5, { offset: 10 }) });
    await followToEnd(client, second.body.jobId as string);
    expect(await server.services.jobs.get(ended.body.jobId as string)).toEqual(stored);
  });
});
