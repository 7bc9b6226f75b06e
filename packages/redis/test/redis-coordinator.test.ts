import { randomBytes, randomUUID } from 'node:crypto';
import { waitFor } from '@jobstream/testing';
import { describe, expect, inject, it } from 'vitest';
import { connectRedis, type RedisConnection, RedisImportCoordinator, RedisJobEventLog } from '../src/index';

/**
 * A lease far longer than a test, for the tests whose claims must not lapse: with a short one, a pause of a busy
 * machine longer than two thirds of it (an instance renews every third) lets a claim lapse.
 */
const LONG_LEASE_MS = 60_000;
/** A lease the tests about lapsing wait out; an instance still renewing keeps its claims through pauses under 1.3 s. */
const SHORT_LEASE_MS = 2_000;

/** A coordinator (and, sharing its pub/sub connection as the server does, a log) on the run's Redis under `prefix`. */
async function instance(prefix: string, leaseMs = LONG_LEASE_MS) {
  const url = inject('redisUrl');
  const client = await connectRedis({ url, name: 'test-commands' });
  const subscriber = await connectRedis({ url, name: 'test-subscriber' });
  const coordinator = await RedisImportCoordinator.create({ client, subscriber, prefix, leaseMs });
  const log = new RedisJobEventLog({ client, subscriber, prefix });
  return {
    client,
    coordinator,
    log,
    async [Symbol.asyncDispose]() {
      log[Symbol.dispose]();
      await coordinator.close();
      await Promise.allSettled([client.close(), subscriber.close()]);
    },
  };
}

const newPrefix = () => `test-${randomBytes(4).toString('hex')}:`;

async function killPubSub(client: RedisConnection): Promise<number> {
  return client.clientKill({ filter: 'TYPE', type: 'pubsub' });
}

describe('RedisImportCoordinator', () => {
  it('holds at most max slots per owner across instances, and frees one on release', async () => {
    const prefix = newPrefix();
    await using a = await instance(prefix);
    await using b = await instance(prefix);
    const first = await a.coordinator.reserve('owner', 2);
    const second = await b.coordinator.reserve('owner', 2);
    expect(first && second).toBeTruthy();
    expect(await a.coordinator.reserve('owner', 2)).toBeUndefined();
    expect(await b.coordinator.reserve('someone-else', 2)).toBeDefined();
    second?.release();
    await waitFor(async () => expect(await a.coordinator.reserve('owner', 2)).toBeDefined());
  });

  it('lets the slots of an instance that stopped renewing lapse after the lease', async () => {
    const prefix = newPrefix();
    await using a = await instance(prefix, SHORT_LEASE_MS);
    await using b = await instance(prefix, SHORT_LEASE_MS);
    expect(await a.coordinator.reserve('owner', 1)).toBeDefined();
    await a.coordinator.close(); // stops renewing, as a dead instance would
    expect(await b.coordinator.reserve('owner', 1)).toBeUndefined();
    await waitFor(async () => expect(await b.coordinator.reserve('owner', 1)).toBeDefined());
  });

  it('routes a cancel to the instance holding the job, also after its pub/sub connection was killed', async () => {
    const prefix = newPrefix();
    await using runner = await instance(prefix);
    await using other = await instance(prefix);
    const cancelled: string[] = [];
    runner.coordinator.onCancelRequest((jobId) => cancelled.push(jobId));
    const jobId = randomUUID();
    const lease = await runner.coordinator.lease(jobId, () => {});
    expect(await other.coordinator.requestCancel(jobId)).toBe(true);
    await waitFor(() => expect(cancelled).toEqual([jobId]));

    expect(await killPubSub(other.client)).toBeGreaterThanOrEqual(2);
    await waitFor(async () => {
      expect(await other.coordinator.requestCancel(jobId)).toBe(true);
      expect(cancelled).toHaveLength(2);
    });
    await lease.release();
    expect(await other.coordinator.requestCancel(jobId)).toBe(false);
    expect(await other.coordinator.requestCancel(randomUUID())).toBe(false);
  });

  it('gives a job whose instance stopped renewing to exactly one claimer, and tells the old holder it lost it', async () => {
    const prefix = newPrefix();
    await using dead = await instance(prefix, 300);
    await using a = await instance(prefix, 300);
    await using b = await instance(prefix, 300);
    const jobId = randomUUID();
    let lost = 0;
    await dead.coordinator.lease(jobId, () => lost++);
    expect(await a.coordinator.claimLapsed([jobId])).toEqual([]);
    await dead.coordinator.close(); // it stops renewing; its claim lapses
    const claimed: string[] = [];
    await waitFor(
      async () => {
        claimed.push(...(await a.coordinator.claimLapsed([jobId])), ...(await b.coordinator.claimLapsed([jobId])));
        expect(claimed).toEqual([jobId]);
      },
      { interval: 100 },
    );
    expect(await a.coordinator.claimLapsed([jobId])).toEqual([]);
    expect(lost).toBe(0); // it no longer renews, so it cannot hear; a living holder would:
    const living = randomUUID();
    let livingLost = 0;
    await a.coordinator.lease(living, () => livingLost++);
    await a.client.set(`${prefix}lease:{${living}}`, 'taken-over:someone');
    await waitFor(() => expect(livingLost).toBe(1));
  });

  it('does not take over a job whose claim Redis lost while its instance still renews', async () => {
    const prefix = newPrefix();
    await using runner = await instance(prefix, SHORT_LEASE_MS);
    await using reaper = await instance(prefix, SHORT_LEASE_MS);
    const jobId = randomUUID();
    const key = `${prefix}lease:{${jobId}}`;
    let lost = 0;
    await runner.coordinator.lease(jobId, () => lost++);
    await runner.client.del(key); // what a Redis restart without persistence does
    expect(await reaper.coordinator.claimLapsed([jobId])).toEqual([]); // first look: missing
    // Its instance renews every third of a lease, and a missing claim is made again.
    await waitFor(async () => expect(await runner.client.get(key)).toBe(runner.coordinator.instanceId));
    await new Promise((resolve) => setTimeout(resolve, SHORT_LEASE_MS));
    expect(await reaper.coordinator.claimLapsed([jobId])).toEqual([]); // a lease later: there again
    expect(lost).toBe(0);
  });
});
