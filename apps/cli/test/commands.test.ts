import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runCliText, startCli } from './cli-process';
import { holdImports, startServer, tempDir, usersCsv, writeCsv } from './servers';

describe('jobstream templates, jobs, errors and cancel', () => {
  it('lists the templates, one JSON object each', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const { code, lines } = await runCli(['templates'], { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url });
    expect(code).toBe(0);
    expect(lines.map((template) => [template.name, template.key])).toEqual([
      ['users', 'email'],
      ['products', 'sku'],
    ]);
    expect(lines[0]?.columns).toEqual(expect.arrayContaining([expect.objectContaining({ name: 'email' })]));
  });

  it("lists the session's jobs newest first, and downloads a job's rejected rows to a file or stdout", async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    const first = await writeCsv(dir.path, 'first.csv', usersCsv(20, 10));
    const second = await writeCsv(dir.path, 'second.csv', 'email,name,role\n=cmd(),Mallory,member\n');
    const jobIds: string[] = [];
    for (const file of [first, second]) {
      const { code, lines } = await runCli(['upload', file, '--template', 'users', '--follow'], env);
      expect(code).toBe(0);
      jobIds.push(lines.find((line) => line.event === 'job-created')?.jobId as string);
    }

    const jobs = await runCli(['jobs', '--limit', '5'], env);
    expect(jobs.code).toBe(0);
    expect(jobs.lines).toEqual([
      expect.objectContaining({ jobId: jobIds[1], status: 'completed', processed: 1, failed: 1 }),
      expect.objectContaining({ jobId: jobIds[0], status: 'completed', processed: 20, inserted: 18, failed: 2 }),
    ]);
    expect(jobs.lines[0]?.createdAt).toEqual(expect.stringMatching(/^\d{4}-\d\d-\d\dT/));

    const out = join(dir.path, 'rejected.csv');
    const saved = await runCliText(['errors', jobIds[0] as string, '-o', out], env);
    expect(saved.code).toBe(0);
    expect(saved.stdout).toBe('');
    expect(saved.stderr).toBe(`Wrote 2 rejected rows of job ${jobIds[0]} to ${out}\n`);
    expect(await readFile(out, 'utf8')).toBe(
      'email,name,role,row,error\r\n' +
        'not-an-email,User 10,member,10,Row 10: email: Invalid email address\r\n' +
        'not-an-email,User 20,member,20,Row 20: email: Invalid email address\r\n',
    );

    const printed = await runCliText(['errors', jobIds[1] as string], env);
    expect(printed.code).toBe(0);
    expect(printed.stdout).toBe(
      "email,name,role,row,error\r\n'=cmd(),Mallory,member,1,Row 1: email: Invalid email address\r\n",
    );
  });

  it('answers an unknown job with exit 2', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    const unknown = crypto.randomUUID();
    for (const command of ['watch', 'cancel', 'errors']) {
      const { code, stdout, stderr } = await runCliText([command, unknown], env);
      expect(code).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`jobstream: No job ${unknown} (or it belongs to another session)\n`);
    }
  });

  it('cancels a running job (exit 0), which then ends failed; a second cancel exits 1', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    const hold = holdImports(server);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(3000));
    const watching = startCli(['upload', file, '--template', 'users', '--follow'], env);
    const created = await watching.waitForLine((line) => line.event === 'job-created');
    const jobId = created.jobId as string;

    const cancelled = await runCli(['cancel', jobId], env);
    expect(cancelled.code).toBe(0);
    expect(cancelled.lines).toEqual([{ event: 'cancel', jobId, cancelled: true }]);
    hold.release();
    const followed = await watching.finished();
    expect(followed.code).toBe(1);
    expect(followed.lines.at(-1)).toMatchObject({ event: 'upload-error', payload: { message: 'Cancelled' } });

    const again = await runCli(['cancel', jobId], env);
    expect(again.code).toBe(1);
    expect(again.lines).toEqual([{ event: 'cancel', jobId, cancelled: false }]);
  });
});

describe('--help', () => {
  it.each(['upload', 'watch', 'jobs', 'cancel', 'templates', 'errors'])('documents %s and exits 0', async (command) => {
    await using dir = await tempDir();
    const { code, stdout } = await runCliText([command, '--help'], { XDG_CONFIG_HOME: dir.path });
    expect(code).toBe(0);
    expect(stdout).toMatch(new RegExp(`^Usage: jobstream ${command} `));
  });

  it('lists every command, the exit codes and the environment variables', async () => {
    await using dir = await tempDir();
    const { code, stdout } = await runCliText(['--help'], { XDG_CONFIG_HOME: dir.path });
    expect(code).toBe(0);
    for (const text of ['upload [options] <file>', 'watch', 'jobs', 'cancel', 'templates', 'errors', 'JOBSTREAM_URL']) {
      expect(stdout).toContain(text);
    }
    expect(stdout).toContain('3  server unreachable or session not accepted');
  });
});
