import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventSeqs, type OutputLine, runCli } from './cli-process';
import { startServer, tempDir, usersCsv, writeCsv } from './servers';

/** The job events among the output lines: those with the job's event id. */
function jobEvents(lines: OutputLine[]): OutputLine[] {
  return lines.filter((line) => typeof line.id === 'string');
}

describe('jobstream upload', () => {
  it('uploads with --follow and exits 0, writing every event once as NDJSON, ending with the exact counts', async () => {
    await using server = await startServer({ PROGRESS_INTERVAL_MS: '0' });
    await using dir = await tempDir();
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(5000, 100));
    const env = { XDG_CONFIG_HOME: dir.path };

    const { code, lines, stderr } = await runCli(['upload', file, '--template', 'users', '--follow'], {
      ...env,
      JOBSTREAM_URL: server.url,
    });

    expect(stderr).toBe('');
    expect(code).toBe(0);
    const { size } = await stat(file);
    const uploads = lines.filter((line) => line.event === 'file-upload');
    expect(uploads.at(-1)).toEqual({ event: 'file-upload', file: 'users.csv', sentBytes: size, totalBytes: size });
    const created = lines.find((line) => line.event === 'job-created');
    expect(created).toEqual({ event: 'job-created', jobId: expect.any(String), template: 'users', file: 'users.csv' });
    const jobId = created?.jobId as string;

    const events = jobEvents(lines);
    const ids = eventSeqs(events);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    expect(events[0]).toMatchObject({ snapshot: true, payload: { jobId } });
    expect(events.filter((line) => line.event === 'upload-completed')).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      event: 'upload-completed',
      payload: { jobId, status: 'completed', processed: 5000, total: 5000, inserted: 4950, updated: 0, failed: 50 },
    });
    expect(await server.services.jobs.get(jobId)).toMatchObject({ status: 'completed', inserted: 4950, failed: 50 });

    // The same file again, as the same saved session: every valid row is now an update.
    const again = await runCli(['upload', file, '-t', 'users', '-f'], { ...env, JOBSTREAM_URL: server.url });
    expect(again.code).toBe(0);
    expect(again.lines.at(-1)).toMatchObject({ payload: { inserted: 0, updated: 4950, failed: 50 } });
  });

  it('exits 1 when the import fails, the failure being the last event', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const file = await writeCsv(dir.path, 'wrong.csv', 'mail,fullname\na@example.com,A\n');

    const { code, lines } = await runCli(['upload', file, '--template', 'users', '--follow'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: server.url,
    });

    expect(code).toBe(1);
    expect(lines.at(-1)).toMatchObject({
      event: 'upload-error',
      payload: { status: 'failed', message: expect.stringContaining('missing columns: email, name') },
    });
  });

  it('without --follow, exits 0 once the job exists and says how to follow it', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(10));

    const { code, lines, stderr } = await runCli(['upload', file, '--template', 'users'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: server.url,
    });

    expect(code).toBe(0);
    const jobId = lines.find((line) => line.event === 'job-created')?.jobId as string;
    expect(await server.services.jobs.get(jobId)).toBeDefined();
    expect(jobEvents(lines)).toEqual([]);
    expect(stderr).toBe(`Follow it with: jobstream --url ${server.url} watch ${jobId}\n`);
  });
});

describe('usage errors and an unreachable server', () => {
  it('exits 2 for an unknown template, naming the ones there are, before sending anything', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(10));

    const { code, stdout, stderr } = await runCli(['upload', file, '--template', 'nope'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: server.url,
    });

    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe("jobstream: Unknown template 'nope'\nTemplates: users, products (see: jobstream templates)\n");
    // Checked before a session was even needed: nothing was uploaded.
    expect(existsSync(join(dir.path, 'jobstream', 'sessions.json'))).toBe(false);
  });

  it('exits 2 for a missing file, without asking the server anything', async () => {
    await using dir = await tempDir();
    const missing = `${dir.path}/nowhere.csv`;
    const { code, stdout, stderr } = await runCli(['upload', missing, '--template', 'users'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: 'http://127.0.0.1:9',
    });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toBe(`jobstream: No such file: ${missing}\n`);
  });

  it.each([
    [['upload', 'users.csv'], "error: required option '-t, --template <name>' not specified"],
    [['watch', 'not-a-job'], "jobstream: Invalid job id 'not-a-job': a job id is a UUID"],
    [['jobs', '--limit', '0'], "error: option '-n, --limit <count>' argument '0' is invalid"],
    [['launch'], "error: unknown command 'launch'"],
    [['--url', 'ftp://example.com', 'templates'], "jobstream: Invalid server URL 'ftp://example.com'"],
  ])('exits 2 for bad arguments: %j', async (args, message) => {
    await using dir = await tempDir();
    const { code, stdout, stderr } = await runCli(args, { XDG_CONFIG_HOME: dir.path });
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toContain(message);
  });

  it('exits 3 when nothing answers at the address, saying where it looked', async () => {
    await using dir = await tempDir();
    await using server = await startServer();
    const url = server.url;
    await server.shutdown();
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(10));
    for (const args of [['upload', file, '--template', 'users', '--follow'], ['jobs'], ['templates']]) {
      const { code, stdout, stderr } = await runCli(['--url', url, ...args], { XDG_CONFIG_HOME: dir.path });
      expect(code).toBe(3);
      expect(stdout).toBe('');
      expect(stderr).toBe(
        `jobstream: Cannot reach the jobstream server at ${url} (ECONNREFUSED)\n` +
          'Start it (pnpm start), or point to it with --url or JOBSTREAM_URL\n',
      );
    }
  });

  it('exits 3 when the server does not know the token given', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const { code, stderr } = await runCli(['jobs'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: server.url,
      JOBSTREAM_TOKEN: 'forgotten-token',
    });
    expect(code).toBe(3);
    expect(stderr).toContain(`jobstream: The server at ${server.url} does not know the session token given`);
  });
});
