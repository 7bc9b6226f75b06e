import { describe, expect, it } from 'vitest';
import { eventSeqs, type OutputLine, startCli } from './cli-process';
import { holdImports, startServer, tempDir, usersCsv, writeCsv } from './servers';
import { startTcpProxy } from './tcp-proxy';

function eventIds(lines: OutputLine[]): number[] {
  return eventSeqs(lines);
}

describe('a lost connection', () => {
  it('is shown, and following resumes after the last event id: every event once, the end included', async () => {
    // Few events while the connection is cut, so that all of them are still in the job's history on resume.
    await using server = await startServer();
    await using proxy = await startTcpProxy(server.url);
    await using dir = await tempDir();
    const hold = holdImports(server);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(20_000, 1000));
    const run = startCli(['upload', file, '--template', 'users', '--follow'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: proxy.url,
    });
    const event = await run.waitForLine((line) => line.event === 'upload-progress');
    const jobId = (event.payload as { jobId: string }).jobId;

    await proxy.cut();
    await run.waitForLine((line) => line.event === 'connection' && line.status === 'reconnecting');
    hold.release(); // the job runs to its end while the CLI cannot hear about it
    await proxy.restore();
    const { code, lines } = await run.finished();

    expect(code).toBe(0);
    const statuses = lines.filter((line) => line.event === 'connection').map((line) => line.status);
    expect(statuses).toEqual(['reconnecting', 'connected']);
    const ids = eventIds(lines);
    expect(ids).toEqual([...new Set(ids)].sort((a, b) => a - b));
    const ended = lines.filter((line) => line.event === 'upload-completed');
    expect(ended).toHaveLength(1);
    expect(lines.at(-1)).toMatchObject({
      event: 'upload-completed',
      payload: { jobId, processed: 20_000, inserted: 19_980, failed: 20 },
    });
    // Resumed, not restarted: nothing but the first event was a snapshot.
    expect(lines.filter((line) => line.snapshot)).toHaveLength(1);
  });

  it('that stays lost past --reconnect-timeout ends the command with exit 3 and how to watch again', async () => {
    await using server = await startServer({ PROGRESS_INTERVAL_MS: '0' });
    await using proxy = await startTcpProxy(server.url);
    await using dir = await tempDir();
    holdImports(server);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(3000));
    const run = startCli(['upload', file, '--template', 'users', '--follow', '--reconnect-timeout', '0.5'], {
      XDG_CONFIG_HOME: dir.path,
      JOBSTREAM_URL: proxy.url,
    });
    const event = await run.waitForLine((line) => line.event === 'upload-progress');
    const jobId = (event.payload as { jobId: string }).jobId;

    await proxy.cut();
    const { code, lines, stderr } = await run.finished();
    expect(code).toBe(3);
    expect(lines.at(-1)).toEqual({ event: 'connection', status: 'reconnecting' });
    expect(stderr).toBe(
      `jobstream: Lost the connection to ${proxy.url} for 0.5 s; gave up\n` +
        `The job may still be running. Watch it again with: jobstream --url ${proxy.url} watch ${jobId}\n`,
    );
  });
});
