import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './cli-process';
import { startServer, tempDir, usersCsv, writeCsv } from './servers';

/** The saved sessions file's content. */
async function savedSessions(configHome: string): Promise<{ sessions: Record<string, string> }> {
  return JSON.parse(await readFile(join(configHome, 'jobstream', 'sessions.json'), 'utf8'));
}

describe('the session', () => {
  it('is created on first use, saved for that server readable by the user alone, and used again', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    const file = await writeCsv(dir.path, 'users.csv', usersCsv(3));

    const uploaded = await runCli(['upload', file, '--template', 'users'], env);
    expect(uploaded.code).toBe(0);
    const jobId = uploaded.lines.find((line) => line.event === 'job-created')?.jobId;

    const file_ = join(dir.path, 'jobstream', 'sessions.json');
    expect((await stat(file_)).mode & 0o777).toBe(0o600);
    expect((await stat(join(dir.path, 'jobstream'))).mode & 0o777).toBe(0o700);
    const { sessions } = await savedSessions(dir.path);
    const token = sessions[server.url] as string;
    expect(await server.services.sessions.resolve(token)).toBeTruthy();

    const listed = await runCli(['jobs'], env);
    expect(listed.code).toBe(0);
    expect(listed.lines.map((job) => job.jobId)).toEqual([jobId]);
    expect((await savedSessions(dir.path)).sessions).toEqual(sessions);
  });

  it('is replaced by --token or JOBSTREAM_TOKEN, which is used as is and never saved', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const other = (await server.services.sessions.create()).token;
    const owner = (await server.services.sessions.resolve(other)) as string;
    const jobId = crypto.randomUUID();
    await server.services.jobs.create({ jobId, owner, templateName: 'users', message: '' });

    for (const given of [['--token', other], []]) {
      const { code, lines } = await runCli([...given, 'jobs'], {
        XDG_CONFIG_HOME: dir.path,
        JOBSTREAM_URL: server.url,
        ...(given.length === 0 ? { JOBSTREAM_TOKEN: other } : {}),
      });
      expect(code).toBe(0);
      expect(lines.map((job) => job.jobId)).toEqual([jobId]);
    }
    await expect(stat(join(dir.path, 'jobstream', 'sessions.json'))).rejects.toThrow('ENOENT');
  });

  it('starts a new session, saying so, when the server no longer knows the saved one', async () => {
    await using server = await startServer();
    await using dir = await tempDir();
    const env = { XDG_CONFIG_HOME: dir.path, JOBSTREAM_URL: server.url };
    expect((await runCli(['jobs'], env)).code).toBe(0);
    const file = join(dir.path, 'jobstream', 'sessions.json');
    await writeFile(file, JSON.stringify({ sessions: { [server.url]: 'forgotten' } }));

    const { code, stderr } = await runCli(['jobs'], env);
    expect(code).toBe(0);
    expect(stderr).toBe(`The server at ${server.url} no longer knows the saved session; started a new one.\n`);
    const token = (await savedSessions(dir.path)).sessions[server.url] as string;
    expect(await server.services.sessions.resolve(token)).toBeTruthy();
  });
});
