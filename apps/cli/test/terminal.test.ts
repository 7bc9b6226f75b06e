import { beforeAll, describe, expect, it } from 'vitest';
import { CLI } from './cli-process';
import { holdImports, startServer, tempDir, usersCsv, writeCsv } from './servers';
import { startTcpProxy } from './tcp-proxy';
import { requireTmux, startInTerminal } from './tmux';

beforeAll(requireTmux);

/** An SGR escape sequence: a colour or attribute on screen. */
const STYLE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`);

describe('in a terminal', () => {
  it('draws the upload, then the job bar up to 100%, then a summary with the first row errors', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(20_000, 2500));
    await using terminal = await startInTerminal(
      [process.execPath, CLI, 'upload', file, '--template', 'users', '--follow'],
      { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url },
      dir.path,
      { columns: 160 },
    );

    expect(await terminal.exitStatus()).toBe(0);
    const screen = await terminal.screen();
    const lines = screen.split('\n');
    expect(lines[0]).toMatch(/^Uploading users\.csv █+ 100% \| \d+(\.\d)? [KM]B of \d+(\.\d)? [KM]B$/);
    expect(lines[1]).toMatch(/^Job [0-9a-f-]{36} \(users\)$/);
    const jobId = lines[1]?.split(' ')[1] as string;
    expect(lines[2]).toMatch(/^█{24} 100% \| 20,000\/20,000 rows \| [\d,.]+ rows\/s \| done \| 8 rejected$/);
    expect(lines.slice(3, 10)).toEqual([
      expect.stringMatching(/^✔ Completed in [\d.]+ m?s: 19,992 inserted, 0 updated, 8 rejected$/),
      'First row errors:',
      '  Row 2500: email: Invalid email address',
      '  Row 5000: email: Invalid email address',
      '  Row 7500: email: Invalid email address',
      '  Row 10000: email: Invalid email address',
      '  Row 12500: email: Invalid email address',
    ]);
    expect(lines[10]).toBe(
      `All rejected rows: jobstream --url ${server.url} errors ${jobId} -o errors-${jobId.slice(0, 8)}.csv`,
    );
    expect(await terminal.screen(true)).toMatch(STYLE);
  });

  it('shows that it is reconnecting while the connection is lost, then goes on to the end', async () => {
    await using server = await startServer();
    await using proxy = await startTcpProxy(server.url);
    await using dir = await tempDir();
    const hold = holdImports(server);
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(20_000));
    await using terminal = await startInTerminal(
      [process.execPath, CLI, 'upload', file, '--template', 'users', '--follow'],
      { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: proxy.url, NO_COLOR: '1' },
      dir.path,
    );
    await terminal.waitForScreen((screen) => expect(screen).toMatch(/\| ETA [^|]+ \| 0 rejected/));

    await proxy.cut();
    const lost = await terminal.waitForScreen((screen) => expect(screen).toContain('reconnecting…'));
    expect(lost).toMatch(/^[█░]{24}\s+\d+% \| [\d,]+\/20,000 rows \| [^|]+ \| reconnecting… \| 0 rejected$/m);
    await proxy.restore();
    hold.release();

    expect(await terminal.exitStatus()).toBe(0);
    const screen = await terminal.screen();
    expect(screen).toMatch(/100% \| 20,000\/20,000 rows .* \| done \| 0 rejected/);
    expect(screen).toContain('✔ Completed');
    expect(screen).not.toContain('reconnecting…');
    expect(await terminal.screen(true)).not.toMatch(STYLE); // NO_COLOR
  });
});
