import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { createSchema } from '@jobstream/storage/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, inject, it } from 'vitest';
import { follow, tempDir, usersCsv } from '../fixtures';
import { freePort, MAIN } from '../server-process';
import { contiguous, seqsOf, startCluster, uploadTo } from './cluster-env';

async function status(url: string): Promise<number> {
  return (await fetch(url)).status;
}

// Each test runs a cluster of server processes, and waits up to a minute for a job to end.
describe('Redis faults', { timeout: 120_000 }, () => {
  it('exits non-zero with one clear log line when Redis cannot be reached at start', async () => {
    await using dir = await tempDir();
    const schema = await createSchema(inject('postgresUrl'));
    const port = await freePort();
    const child = spawn(process.execPath, [MAIN], {
      env: {
        ...process.env,
        PORT: '0',
        DATA_DIR: dir.path,
        DATABASE_URL: schema.url,
        REDIS_URL: `redis://:hunter2-secret@127.0.0.1:${port}`,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    for (const stream of [child.stdout, child.stderr]) {
      stream.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
    }
    const [code] = (await once(child, 'exit')) as [number | null];
    await schema.drop();
    expect(code).toBe(1);
    const lines = output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      level: 'error',
      msg: expect.stringMatching(new RegExp(`^cannot start: Redis at 127\\.0\\.0\\.1:${port} is unavailable: `)),
    });
    expect(output).not.toContain('hunter2-secret');
  });

  it('is not ready while Redis is away, refuses new imports with 503, and resumes subscribers without loss once it is back', async () => {
    await using cluster = await startCluster({ count: 2, redis: { persistent: true } });
    const [runner, other] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
    const token = await cluster.session();
    const jobId = await uploadTo(runner, token, usersCsv(4_000));
    cluster.proxy.backends = [other.port];
    const got = follow(cluster.client(token), jobId);
    await waitFor(() => expect(got.ids.length).toBeGreaterThanOrEqual(3));

    await cluster.redis.halt();
    await waitFor(async () => expect(await status(`${other.url}/readyz`)).toBe(503));
    expect(await (await fetch(`${runner.url}/readyz`)).json()).toEqual({
      ready: false,
      reason: 'Redis does not answer',
    });
    expect(await status(`${runner.url}/healthz`)).toBe(200);
    const refused = await fetch(`${other.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: usersCsv(10),
    });
    expect(refused.status).toBe(503);
    const seenWhileAway = got.ids.length;

    await cluster.redis.start();
    await waitFor(async () => expect(await status(`${runner.url}/readyz`)).toBe(200));
    await waitFor(() => expect(got.done).toBe(true), { timeout: 60_000 });
    expect(got.errors).toEqual([]);
    // Redis kept the job (it persists): the same epoch, every id once, in order, through the outage.
    expect(new Set(got.ids.map((id) => id.slice(0, id.indexOf(':')))).size).toBe(1);
    expect(contiguous(seqsOf(got.ids))).toBe(true);
    expect(got.ids.length).toBeGreaterThan(seenWhileAway);
    expect(got.data.filter((event) => event.event === 'upload-completed')).toHaveLength(1);
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { processed: 4_000 } });
  });
});
