import { randomUUID } from 'node:crypto';
import {
  createDeliveryMetrics,
  type DeliveredEvent,
  EventLogUnavailableError,
  JobLifecycleError,
  jobEvents,
  parseEventId,
} from '@jobstream/progress';
import { progressOf, resultOf } from '@jobstream/progress/testing';
import { waitFor } from '@jobstream/testing';
import { describe, expect, it } from 'vitest';
import { jobKeys } from '../src/job-keys';
import { startRedisServer } from '../src/testing/index';
import { type LogEnv, redisLog } from './redis-log-env';

/** Everything a job's stream delivers until its terminal event, read through the delivery driver every transport runs. */
async function follow(env: LogEnv, jobId: string, lastEventId?: string): Promise<DeliveredEvent[]> {
  const events: DeliveredEvent[] = [];
  const stream = jobEvents({ log: env.log, delivery: createDeliveryMetrics() }, jobId, {
    conflate: false,
    lastEventId,
  });
  for await (const event of stream) events.push(event);
  return events;
}

const started = (jobId: string) => ({ event: 'upload-progress' as const, payload: progressOf(jobId, 0, 'started') });
const progress = (jobId: string, p: number) => ({ event: 'upload-progress' as const, payload: progressOf(jobId, p) });
const completed = (jobId: string) => ({ event: 'upload-completed' as const, payload: resultOf(jobId) });

describe('RedisJobEventLog across instances', () => {
  it('serves a job appended on one instance to subscribers on another, joining late or resuming, in order', async () => {
    await using a = await redisLog();
    await using b = await redisLog({ prefix: a.prefix });
    const jobId = randomUUID();
    const ids = [await a.log.append(jobId, started(jobId))];
    for (let p = 1; p <= 5; p++) ids.push(await a.log.append(jobId, progress(jobId, p)));
    const live = follow(b, jobId);
    const resumed = follow(b, jobId, ids[2]);
    await waitFor(() => expect(b.log.metrics().roomsActive).toBe(1));
    for (let p = 6; p <= 40; p++) ids.push(await a.log.append(jobId, progress(jobId, p)));
    ids.push(await a.log.append(jobId, completed(jobId)));

    const got = await live;
    expect(got[0]?.data).toMatchObject({ snapshot: true });
    const seqs = got.map((event) => parseEventId(event.id)?.seq as number);
    expect(seqs.every((seq, i) => i === 0 || seq === (seqs[i - 1] as number) + 1)).toBe(true);
    expect(got.at(-1)?.id).toBe(ids.at(-1));
    expect((await resumed).map((event) => event.id)).toEqual(ids.slice(3));
    await waitFor(() => expect(b.log.subscriptions).toBe(0));
    expect(b.log.metrics()).toMatchObject({ roomsActive: 0, listenersActive: 0 });
  });

  it('refuses a second writer’s event that the job’s state as Redis has it forbids, recording nothing', async () => {
    await using a = await redisLog();
    await using b = await redisLog({ prefix: a.prefix });
    const jobId = randomUUID();
    await a.log.append(jobId, started(jobId));
    await a.log.append(jobId, progress(jobId, 10));
    // A started elsewhere is refused; an event from another writer follows A's.
    await expect(b.log.append(jobId, started(jobId))).rejects.toThrow(JobLifecycleError);
    const end = await b.log.append(jobId, completed(jobId));
    expect(parseEventId(end)?.seq).toBe(3);
    // A's view is stale: its next event is checked against the ended job and refused.
    await expect(a.log.append(jobId, progress(jobId, 20))).rejects.toThrow(
      'nothing is accepted after a terminal event',
    );
    expect((await a.log.latest(jobId))?.id).toBe(end);
  });

  it('re-subscribes after its subscriber connection is killed and catches up with no loss', async () => {
    await using writer = await redisLog();
    await using reader = await redisLog({ prefix: writer.prefix });
    const jobId = randomUUID();
    await writer.log.append(jobId, started(jobId));
    const got = follow(reader, jobId);
    await waitFor(() => expect(reader.log.subscriptions).toBe(1));
    const kills: number[] = [];
    for (let p = 1; p <= 200; p++) {
      await writer.log.append(jobId, progress(jobId, p / 2));
      if (p % 50 === 0) kills.push(await writer.client.clientKill({ filter: 'TYPE', type: 'pubsub' }));
    }
    await writer.log.append(jobId, completed(jobId));
    const events = await got;
    expect(kills.every((killed) => killed >= 1)).toBe(true);
    const seqs = events.map((event) => parseEventId(event.id)?.seq as number);
    expect(seqs.at(-1)).toBe(202);
    expect(events.filter((event) => event.data.event === 'upload-completed')).toHaveLength(1);
    // Without conflation, every event after the first snapshot arrives exactly once, in order (a ring of 256 covers the outages).
    expect(seqs).toEqual(Array.from({ length: 203 - (seqs[0] as number) }, (_, i) => (seqs[0] as number) + i));
  });

  it('fails an append at once while Redis is away, and goes on in a new epoch when Redis comes back empty', async () => {
    await using redis = await startRedisServer();
    await using writer = await redisLog({ url: redis.url });
    await using reader = await redisLog({ url: redis.url, prefix: writer.prefix });
    const jobId = randomUUID();
    await writer.log.append(jobId, started(jobId));
    const first = await writer.log.append(jobId, progress(jobId, 10));
    const got = follow(reader, jobId, first);
    await waitFor(() => expect(reader.log.subscriptions).toBe(1));

    await redis.halt();
    await expect(writer.log.append(jobId, progress(jobId, 20))).rejects.toThrow(EventLogUnavailableError);
    await redis.start();
    // Redis lost the job: the writer's next event starts a new epoch after the newest event it knows.
    await waitFor(async () =>
      expect(await writer.log.append(jobId, progress(jobId, 30)).catch(() => undefined)).toBeDefined(),
    );
    const next = await writer.log.latest(jobId);
    expect(parseEventId(next?.id)?.epoch).not.toBe(parseEventId(first)?.epoch);
    await writer.log.append(jobId, completed(jobId));

    const events = await got;
    expect(events[0]?.data).toMatchObject({ snapshot: true, missed: true });
    expect(events.at(-1)?.data.event).toBe('upload-completed');
    expect(events.filter((event) => event.data.event === 'upload-completed')).toHaveLength(1);
    const ids = events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fails appends within the command timeout while Redis does not answer, queueing nothing, and goes on after', async () => {
    await using redis = await startRedisServer();
    // Long enough that the commands Redis answers (before the stop, and after) are not timed out on a busy machine; the
    // 20 appends while it is stopped run one after another, so the test takes 20 times this.
    await using env = await redisLog({ url: redis.url, commandTimeoutMs: 500 });
    const jobId = randomUUID();
    await env.log.append(jobId, started(jobId));
    redis.process.kill('SIGSTOP'); // the connection stays open; nothing answers
    try {
      const appends = Array.from({ length: 20 }, (_, p) => env.log.append(jobId, progress(jobId, p + 1)));
      const outcomes = await Promise.allSettled(appends);
      expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
      expect((outcomes[0] as PromiseRejectedResult).reason).toBeInstanceOf(EventLogUnavailableError);
    } finally {
      redis.process.kill('SIGCONT');
    }
    await waitFor(() => env.log.append(jobId, progress(jobId, 30)));
    expect((await env.log.latest(jobId))?.payload).toMatchObject({ progress: 30 });
  });

  it('starts a new epoch rather than reuse ids when Redis lost the writer’s newest events (a failover)', async () => {
    await using writer = await redisLog();
    await using reader = await redisLog({ prefix: writer.prefix });
    const jobId = randomUUID();
    const keys = jobKeys(writer.prefix, jobId);
    await writer.log.append(jobId, started(jobId));
    for (let p = 1; p <= 4; p++) await writer.log.append(jobId, progress(jobId, p));
    const got = follow(reader, jobId);
    await waitFor(() => expect(reader.log.metrics().roomsActive).toBe(1));
    // What a replica that had not received the last two writes holds once promoted.
    await writer.client.xDel(keys.events, ['4-0', '5-0']);
    await writer.client.hSet(keys.meta, 'seq', '3');
    const next = await writer.log.append(jobId, progress(jobId, 6));
    await writer.log.append(jobId, completed(jobId));
    const events = await got;

    expect(parseEventId(next)?.seq).toBe(2);
    const ids = events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids.map((id) => parseEventId(id)?.epoch)).size).toBe(2);
    expect(events.find((event) => event.id === next || event.data.missed)?.data).toMatchObject({
      snapshot: true,
      missed: true,
    });
    expect(events.at(-1)?.data.event).toBe('upload-completed');
  });

  it('lets an ended job’s keys expire after the retention, and a running job’s after the running TTL', async () => {
    await using env = await redisLog({ retentionMs: 200, runningTtlMs: 60_000 });
    const jobId = randomUUID();
    const keys = jobKeys(env.prefix, jobId);
    await env.log.append(jobId, started(jobId));
    expect(await env.client.pTTL(keys.events)).toBeGreaterThan(10_000);
    await env.log.append(jobId, completed(jobId));
    expect(await env.client.pTTL(keys.meta)).toBeLessThanOrEqual(200);
    await waitFor(async () => expect(await env.client.exists([keys.events, keys.meta])).toBe(0));
    expect(await env.log.open(jobId)).toBeUndefined();
  });

  it('keeps delivering to a job reopened while the unsubscribe of its previous room is on its way', async () => {
    await using a = await redisLog();
    await using b = await redisLog({ prefix: a.prefix });
    const jobId = randomUUID();
    await a.log.append(jobId, started(jobId));
    const first = await b.log.open(jobId);
    if (first) b.log.close(first);
    const second = await b.log.open(jobId);
    await a.log.append(jobId, progress(jobId, 10));
    await waitFor(() => expect(second?.seq).toBe(2));
    expect(b.log.subscriptions).toBe(1);
    if (second) b.log.close(second);
    await waitFor(() => expect(b.log.subscriptions).toBe(0));
  });

  it('releases every channel subscription once the last subscriber of each job leaves', async () => {
    await using env = await redisLog();
    const jobs = Array.from({ length: 20 }, () => randomUUID());
    for (const jobId of jobs) await env.log.append(jobId, started(jobId));
    const rooms = await Promise.all(jobs.flatMap((jobId) => [env.log.open(jobId), env.log.open(jobId)]));
    expect(env.log.subscriptions).toBe(20);
    expect(await env.client.pubSubNumSub(jobs.map((jobId) => jobKeys(env.prefix, jobId).channel))).toEqual(
      Object.fromEntries(jobs.map((jobId) => [jobKeys(env.prefix, jobId).channel, 1])),
    );
    for (const room of rooms) if (room) env.log.close(room);
    await waitFor(() => expect(env.log.subscriptions).toBe(0));
    expect(env.log.metrics()).toMatchObject({ roomsActive: 0, listenersActive: 0 });
    await waitFor(async () =>
      expect(
        Object.values(await env.client.pubSubNumSub(jobs.map((jobId) => jobKeys(env.prefix, jobId).channel))),
      ).toEqual(jobs.map(() => 0)),
    );
  });
});
