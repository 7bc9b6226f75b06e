import { CANCELLED_MESSAGE, INSTANCE_LOST_MESSAGE } from '@jobstream/importer';
import { waitFor } from '@jobstream/testing';
import { createClient } from '@redis/client';
import { describe, expect, it } from 'vitest';
import { follow, parseMetrics, usersCsv } from '../fixtures';
import { httpClient } from '../server-process';
import { contiguous, seqsOf, startCluster, uploadTo } from './cluster-env';

/** Long enough that each fault lands mid-import: the instances read 500 rows a second. */
const ROWS = 4_000;

// Each test runs a cluster of server processes, and waits up to a minute for a job to end.
describe('three instances behind a round-robin proxy, on one Redis and one PostgreSQL', { timeout: 120_000 }, () => {
  it('resumes a client on another instance when its own is SIGKILLed mid-job: every id once, in order, the end once', async () => {
    await using cluster = await startCluster();
    const [runner, a, b] = cluster.instances as [
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
    ];
    const token = await cluster.session();
    const jobId = await uploadTo(runner, token, usersCsv(ROWS));
    // The client lands on an instance that does not run the import, so only its connection dies.
    cluster.proxy.backends = [a.port, b.port];
    const client = cluster.client(token);
    const got = follow(client, jobId);
    await waitFor(() => expect(got.ids.length).toBeGreaterThanOrEqual(3));
    const serving = cluster.byPort(cluster.proxy.history.at(-1) as number);
    await serving.kill();
    await waitFor(() => expect(got.done).toBe(true), { timeout: 60_000 });

    expect(got.errors).toEqual([]);
    const seqs = seqsOf(got.ids);
    expect(contiguous(seqs)).toBe(true);
    expect(got.data.filter((event) => event.event === 'upload-completed')).toHaveLength(1);
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { processed: ROWS } });
    // It did move: its last connection went to the instance still alive.
    expect(cluster.proxy.history.at(-1)).not.toBe(serving.port);
    // Once the stream is over, no instance still alive holds a room or a Redis subscription for it.
    for (const instance of cluster.instances.filter((each) => each !== serving)) {
      await waitFor(async () =>
        expect(parseMetrics(await (await fetch(`${instance.url}/metrics`)).text())).toMatchObject({
          jobstream_rooms_active: 0,
          jobstream_subscriptions_active: 0,
          jobstream_redis_subscriptions: 0,
        }),
      );
    }
  });

  it('ends the job failed for its subscribers within the lease when the instance running the import is SIGKILLed', async () => {
    await using cluster = await startCluster();
    const [runner, a, b] = cluster.instances as [
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
    ];
    const token = await cluster.session();
    const jobId = await uploadTo(runner, token, usersCsv(ROWS));
    cluster.proxy.backends = [a.port, b.port];
    const got = follow(cluster.client(token), jobId);
    await waitFor(() => expect(got.ids.length).toBeGreaterThanOrEqual(3));
    await runner.kill();
    await waitFor(() => expect(got.done).toBe(true), { timeout: 60_000 });

    expect(got.errors).toEqual([]);
    expect(contiguous(seqsOf(got.ids))).toBe(true);
    expect(got.data.at(-1)).toMatchObject({
      event: 'upload-error',
      payload: { status: 'failed', message: INSTANCE_LOST_MESSAGE },
    });
    expect(got.data.filter((event) => event.event === 'upload-error')).toHaveLength(1);
    const stored = await httpClient(a.url, token).upload.get.query({ jobId });
    expect(stored).toMatchObject({ status: 'failed', message: INSTANCE_LOST_MESSAGE, lastEventId: got.ids.at(-1) });
    expect(stored.processed).toBeGreaterThan(0);
  });

  it('re-subscribes and catches up with no loss when Redis kills every pub/sub connection', async () => {
    await using cluster = await startCluster();
    const [runner, a, b] = cluster.instances as [
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
    ];
    const token = await cluster.session();
    const jobId = await uploadTo(runner, token, usersCsv(ROWS));
    cluster.proxy.backends = [a.port, b.port];
    const got = follow(cluster.client(token), jobId);
    const redis = await createClient({ url: cluster.redis.url }).connect();
    await using _closeRedis = { [Symbol.asyncDispose]: () => redis.close() };
    const killed: number[] = [];
    await waitFor(() => expect(got.ids.length).toBeGreaterThanOrEqual(3));
    while (!got.done && killed.length < 20) {
      killed.push(await redis.clientKill({ filter: 'TYPE', type: 'pubsub' }));
      await waitFor(() => expect(got.ids.length).toBeGreaterThan(0));
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await waitFor(() => expect(got.done).toBe(true), { timeout: 60_000 });

    expect(killed.some((count) => count >= 1)).toBe(true);
    expect(got.errors).toEqual([]);
    expect(contiguous(seqsOf(got.ids))).toBe(true);
    expect(got.data.filter((event) => event.event === 'upload-completed')).toHaveLength(1);
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { processed: ROWS } });
  });

  it('gives the snapshot flagged missed in a new epoch when Redis restarts empty mid-job, and the job still ends visibly', async () => {
    await using cluster = await startCluster();
    const [runner, a, b] = cluster.instances as [
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
    ];
    const token = await cluster.session();
    const jobId = await uploadTo(runner, token, usersCsv(ROWS));
    cluster.proxy.backends = [a.port, b.port];
    const got = follow(cluster.client(token), jobId);
    await waitFor(() => expect(got.ids.length).toBeGreaterThanOrEqual(3));
    await cluster.redis.restart();
    await waitFor(() => expect(got.done).toBe(true), { timeout: 60_000 });

    expect(got.errors).toEqual([]);
    const epochs = [...new Set(got.ids.map((id) => id.slice(0, id.indexOf(':'))))];
    expect(epochs).toHaveLength(2);
    const firstOfNew = got.ids.findIndex((id) => id.startsWith(`${epochs[1]}:`));
    expect(got.data[firstOfNew]).toMatchObject({ snapshot: true, missed: true });
    expect(new Set(got.ids).size).toBe(got.ids.length);
    for (const epoch of epochs) {
      expect(contiguous(seqsOf(got.ids.filter((id) => id.startsWith(`${epoch}:`))))).toBe(true);
    }
    expect(got.data.filter((event) => event.event === 'upload-completed')).toHaveLength(1);
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-completed', payload: { processed: ROWS } });
  });

  it('cancels from an instance that does not run the import', async () => {
    await using cluster = await startCluster();
    const [runner, a] = cluster.instances as [(typeof cluster.instances)[0], (typeof cluster.instances)[0]];
    const token = await cluster.session();
    const jobId = await uploadTo(runner, token, usersCsv(ROWS));
    const got = follow(cluster.client(token), jobId);
    await waitFor(() => expect(got.ids.length).toBeGreaterThanOrEqual(2));
    expect(await httpClient(a.url, token).upload.cancel.mutate({ jobId })).toEqual({ cancelled: true });
    await waitFor(() => expect(got.done).toBe(true), { timeout: 30_000 });
    expect(got.data.at(-1)).toMatchObject({ event: 'upload-error', payload: { message: CANCELLED_MESSAGE } });
    expect(await httpClient(a.url, token).upload.cancel.mutate({ jobId })).toEqual({ cancelled: false });
  });

  it('counts a session’s running imports and the session rate across instances', async () => {
    await using cluster = await startCluster({ env: { MAX_RUNNING_IMPORTS: '1', MAX_SESSIONS_PER_MINUTE: '2' } });
    const [first, second, third] = cluster.instances as [
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
      (typeof cluster.instances)[0],
    ];
    const { token } = await httpClient(first.url).session.create.mutate();
    await httpClient(second.url).session.create.mutate();
    await expect(httpClient(third.url).session.create.mutate()).rejects.toMatchObject({
      data: { code: 'TOO_MANY_REQUESTS' },
    });
    const jobId = await uploadTo(first, token, usersCsv(ROWS));
    const refused = await fetch(`${second.url}/uploads?template=users`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
      body: usersCsv(10),
    });
    expect(refused.status).toBe(429);
    expect(await httpClient(third.url, token).upload.cancel.mutate({ jobId })).toEqual({ cancelled: true });
  });
});
