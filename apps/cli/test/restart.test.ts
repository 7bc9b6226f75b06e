import { describe, expect, it } from 'vitest';
import { eventSeqs, startCli } from './cli-process';
import { freePort, startServerProcess, tempDir, usersCsv, writeCsv } from './servers';

describe('a server restart mid-job', () => {
  it('is followed through: the CLI resumes on the new process, writes no event twice, and ends with the job', async () => {
    await using dir = await tempDir();
    const port = await freePort();
    const first = await startServerProcess(port, `${dir.path}/data`);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(300_000));
    const run = startCli(['upload', file, '--template', 'users', '--follow'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: first.url,
    });
    const processing = await run.waitForLine(
      (line) => line.event === 'upload-progress' && (line.payload as { status: string }).status === 'processing',
    );
    const jobId = (processing.payload as { jobId: string }).jobId;

    await first.kill();
    await run.waitForLine((line) => line.event === 'connection' && line.status === 'reconnecting');
    await using second = await startServerProcess(port, `${dir.path}/data`);
    expect(second.url).toBe(first.url);
    const { code, lines } = await run.finished();

    expect(code).toBe(1);
    const ids = eventSeqs(lines);
    expect(ids.length).toBeGreaterThan(1);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    expect(lines.filter((line) => line.event === 'upload-error')).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      event: 'upload-error',
      payload: { jobId, status: 'failed', message: 'Interrupted by server restart' },
    });
    expect(lines.filter((line) => line.event === 'connection').map((line) => line.status)).toEqual([
      'reconnecting',
      'connected',
    ]);
  });
});
