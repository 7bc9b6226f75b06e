import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { startCli } from './cli-process';
import { holdImports, startServer, tempDir, usersCsv, writeCsv } from './servers';

describe('Ctrl-C (SIGINT)', () => {
  it('detaches (exit 130): the job keeps running, and the command says how to watch it again', async () => {
    await using server = await startServer({ PROGRESS_INTERVAL_MS: '0' });
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    const hold = holdImports(server);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(3000));
    const run = startCli(['upload', file, '--template', 'users', '--follow'], env);
    const event = await run.waitForLine((line) => line.event === 'upload-progress');
    const jobId = (event.payload as { jobId: string }).jobId;

    run.child.kill('SIGINT');
    const { code, lines, stderr } = await run.finished();
    expect(code).toBe(130);
    expect(lines.at(-1)).toEqual({ event: 'detached', jobId });
    expect(stderr).toBe(
      `Detached; job ${jobId} keeps running. Watch it again with: jobstream --url ${server.url} watch ${jobId}\n`,
    );
    expect((await server.services.jobs.get(jobId))?.status).not.toBe('failed');

    hold.release();
    await waitFor(async () => expect((await server.services.jobs.get(jobId))?.status).toBe('completed'));
  });

  it('with --cancel-on-interrupt, cancels the job and exits 1 once it has ended', async () => {
    await using server = await startServer({ PROGRESS_INTERVAL_MS: '0' });
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    holdImports(server);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(3000));
    const run = startCli(['upload', file, '--template', 'users', '--follow', '--cancel-on-interrupt'], env);
    const event = await run.waitForLine((line) => line.event === 'upload-progress');
    const jobId = (event.payload as { jobId: string }).jobId;

    run.child.kill('SIGINT');
    const { code, lines, stderr } = await run.finished();
    expect(code).toBe(1);
    expect(stderr).toBe(`Cancelling job ${jobId}…\n`);
    expect(lines.at(-1)).toMatchObject({ event: 'upload-error', payload: { jobId, message: 'Cancelled' } });
    expect(await server.services.jobs.get(jobId)).toMatchObject({ status: 'failed', message: 'Cancelled' });
  });
});
