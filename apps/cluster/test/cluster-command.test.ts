import { once } from 'node:events';
import { chmodSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { type AddressInfo, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@jobstream/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, createSession, follow, metric, upload, usersCsv } from './api-client';
import {
  type ClusterProcess,
  cleanUpAfter,
  isAlive,
  readSummary,
  type Summary,
  startClusterProcess,
} from './cluster-process';

/** The events' sequence numbers (`<epoch>:<seq>`), which must only grow. */
function seqs(events: readonly { id: string }[]): number[] {
  return events.map((event) => Number(event.id.split(':')[1]));
}

function epochs(events: readonly { id: string }[]): Set<string> {
  return new Set(events.map((event) => event.id.split(':')[0] as string));
}

/** What is in the command's TMPDIR, but tsx's compile cache (`tsx-<uid>`), which is tsx's to keep. */
function leftIn(dir: string): string[] {
  return readdirSync(dir).filter((name) => !name.startsWith('tsx-'));
}

/**
 * An empty folder to be the command's TMPDIR, where it and PostgreSQL make their temporary folders: nothing must be
 * left in it. Readable by PostgreSQL's own user, which the server runs as when the tests run as root.
 */
function emptyTmpDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'jobstream-cluster-test-'));
  chmodSync(dir, 0o755);
  return dir;
}

describe('pnpm cluster', () => {
  let cluster: ClusterProcess;
  let summary: Summary | undefined;
  const tmp = emptyTmpDir();
  /** Every instance process id the command printed, the killed and restarted ones included. */
  const instancePids = new Set<number>();

  beforeAll(async () => {
    cluster = startClusterProcess({
      TMPDIR: tmp,
      INSTANCES: '2',
      CLUSTER_PORT: '0',
      WEB_PORT: '0',
      // Imports read at most 2,000 rows/s, so one is still running when its instance is killed, whatever the load.
      IMPORT_ROWS_PER_SECOND: '2000',
      // A dead instance's imports end failed after at most about 2.5 leases; a living one, renewing every second,
      // keeps its import through pauses of a busy machine shorter than two seconds.
      IMPORT_LEASE_MS: '3000',
    });
    summary = await readSummary(cluster);
    for (const instance of summary.instances.values()) instancePids.add(instance.pid);
  });

  afterAll(async () => {
    // Whatever failed, nothing this test started stays behind.
    if (cluster.child.exitCode === null && cluster.child.signalCode === null) {
      cluster.child.kill('SIGTERM');
      const stopped = await Promise.race([cluster.exited, new Promise((r) => setTimeout(r, 40_000, 'timeout'))]);
      if (stopped === 'timeout') await cluster[Symbol.asyncDispose]();
    }
    cleanUpAfter(summary, instancePids);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('starts two instances behind the load balancer, and the web app pointing at it', async () => {
    const { instances, proxy, web } = summary as Summary;
    expect([...instances.keys()]).toEqual([1, 2]);
    for (const instance of instances.values()) {
      expect((await fetch(`${instance.url}/readyz`)).status).toBe(200);
    }
    for (let i = 0; i < 4; i++) expect((await fetch(`${proxy}/readyz`)).status).toBe(200);
    const templates = await fetch(`${web.url}/trpc/upload.templates`);
    expect(templates.status).toBe(200);
    expect(await templates.text()).toContain('users');
    expect((await fetch(web.url)).status).toBe(200);
  });

  it('imports an upload sent through the load balancer, followed to its end by @trpc/client', async () => {
    const { proxy } = summary as Summary;
    const token = await createSession(proxy);
    const jobId = await upload(proxy, token, usersCsv(500));
    await using client = connect(proxy, token);
    const followed = follow(client, jobId);
    await waitFor(() => expect(followed.end).toBeDefined(), { timeout: 60_000, interval: 50 });
    expect(followed.errors).toEqual([]);
    expect(followed.end).toMatchObject({ event: 'upload-completed', payload: { status: 'completed' } });
    expect(followed.end?.payload).toMatchObject({ processed: 500, inserted: 500 });
    followed.unsubscribe();
  });

  it('keeps a job followed through instance deaths: its subscriber resumes elsewhere, its import ends failed', async () => {
    const { proxy, instances } = summary as Summary;
    const token = await createSession(proxy);
    const jobId = await upload(proxy, token, usersCsv(200_000));
    await using client = connect(proxy, token);
    const followed = follow(client, jobId);
    const progressed = async () => {
      const before = followed.events.length;
      await waitFor(() => expect(followed.events.length).toBeGreaterThan(before), { timeout: 60_000, interval: 50 });
    };
    await waitFor(() => expect(followed.events.some((e) => e.payload.status === 'processing')).toBe(true), {
      timeout: 60_000,
      interval: 50,
    });
    /** The running instance whose `/metrics` gauge `name` is above 0. */
    const instanceWith = async (name: string) => {
      for (const [n, instance] of instances) {
        if ((await metric(instance.url, name).catch(() => 0)) > 0) return n;
      }
      throw new Error(`no instance has ${name} > 0`);
    };
    /** Types `kill n` and waits until the command reports its process gone. */
    const kill = async (n: number) => {
      const from = cluster.lines.length;
      cluster.type(`kill ${n}`);
      const exit = await cluster.line(new RegExp(`^instance ${n} \\(pid (\\d+)\\) exited \\(SIGKILL\\)`), from);
      expect(isAlive(Number(exit[1]))).toBe(false);
    };
    // The import's spooled upload is on the instance running it; the subscription on the one its WebSocket reached.
    const importer = await instanceWith('jobstream_spool_bytes');
    const subscriber = await instanceWith('jobstream_subscriptions_active');

    if (subscriber !== importer) {
      // The subscriber's instance dies: it resumes on the importer's, and the job's progress keeps coming.
      await kill(subscriber);
      await progressed();
      for (let i = 0; i < 4; i++) expect((await fetch(`${proxy}/readyz`)).status).toBe(200);
      const from = cluster.lines.length;
      cluster.type(`start ${subscriber}`);
      const ready = await cluster.line(new RegExp(`^instance ${subscriber} ready at (http:\\S+), pid (\\d+)`), from);
      expect(ready[1]).toBe(instances.get(subscriber)?.url);
      instancePids.add(Number(ready[2]));
    }
    // The importer's instance dies (with the subscription, now or from the start): the subscriber resumes on the other
    // instance, whose reaper ends the import once its lease lapsed.
    await kill(importer);
    await waitFor(() => expect(followed.end).toBeDefined(), { timeout: 60_000, interval: 50 });
    expect((await fetch(`${proxy}/readyz`)).status).toBe(200);

    expect(followed.errors).toEqual([]);
    expect(followed.end).toMatchObject({
      event: 'upload-error',
      payload: { status: 'failed', message: 'Interrupted: the server running it stopped' },
    });
    // Nothing lost or repeated across the switches: one history, every id newer than the one before.
    expect(epochs(followed.events).size).toBe(1);
    const numbers = seqs(followed.events);
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    expect(new Set(numbers).size).toBe(numbers.length);
    expect((await client.trpc.upload.get.query({ jobId })).status).toBe('failed');
    followed.unsubscribe();

    const from = cluster.lines.length;
    cluster.type(`start ${importer}`);
    const ready = await cluster.line(new RegExp(`^instance ${importer} ready at (http:\\S+), pid (\\d+)`), from);
    instancePids.add(Number(ready[2]));
    expect((await fetch(`${ready[1]}/readyz`)).status).toBe(200);
  });

  it('answers status, help and unknown commands; `stop n` shuts an instance down gracefully', async () => {
    const { instances } = summary as Summary;
    let from = cluster.lines.length;
    cluster.type('status');
    const [, pid] = await cluster.line(/^ {2}instance 1\s+http\S+\s+pid (\d+)/, from);
    await cluster.line(/^ {2}temporary/, from);
    from = cluster.lines.length;
    cluster.type('fly 1');
    await cluster.line(/^unknown command "fly"; try help$/, from);
    cluster.type('kill 9');
    await cluster.line(/^usage: kill <n>, n from 1 to 2$/, from);
    cluster.type('help');
    await cluster.line(/^start <n> /, from);
    cluster.type('stop 1');
    await cluster.line(new RegExp(`^instance 1 \\(pid ${pid}\\) exited \\(code 0\\)`), from);
    cluster.type('stop 1');
    await cluster.line(/^instance 1 is not running; `start 1` starts it$/, from);
    cluster.type('start 1');
    const ready = await cluster.line(/^instance 1 ready at (http:\S+), pid (\d+)/, from);
    instancePids.add(Number(ready[2]));
    expect(ready[1]).toBe(instances.get(1)?.url);
  });

  it('stops everything on SIGTERM: no process and no temporary folder left', async () => {
    const { web, postgres, redis, folder } = summary as Summary;
    expect(existsSync(folder)).toBe(true);
    expect(existsSync(postgres.folder)).toBe(true);
    cluster.child.kill('SIGTERM');
    expect(await cluster.exited).toEqual({ code: null, signal: 'SIGTERM' });
    expect(cluster.lines).toContain('Stopped; temporary folders removed.');
    for (const pid of [...instancePids, web.pid, postgres.pid, redis.pid]) expect(isAlive(pid)).toBe(false);
    expect(existsSync(folder)).toBe(false);
    expect(existsSync(postgres.folder)).toBe(false);
    expect(leftIn(tmp)).toEqual([]);
  });
});

describe('pnpm cluster, when it cannot start', () => {
  it('says in one line which packages are missing, and starts nothing', async () => {
    const tmp = emptyTmpDir();
    try {
      await using cluster = startClusterProcess({
        TMPDIR: tmp,
        POSTGRES_BIN: join(tmp, 'no-postgres'),
        REDIS_SERVER: join(tmp, 'no-redis-server'),
      });
      expect(await cluster.exited).toEqual({ code: 1, signal: null });
      expect(cluster.stderr()).toBe(
        'cannot start: PostgreSQL is not installed (apt-get install -y postgresql, or set DATABASE_URL); ' +
          'redis-server is not installed (apt-get install -y redis-server, or set REDIS_URL)\n',
      );
      expect(leftIn(tmp)).toEqual([]);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });

  it('says which variable to change when its port is taken', async () => {
    const tmp = emptyTmpDir();
    const taken = createServer().listen(0, '127.0.0.1');
    try {
      await once(taken, 'listening');
      const { port } = taken.address() as AddressInfo;
      await using cluster = startClusterProcess({ TMPDIR: tmp, CLUSTER_PORT: String(port) });
      expect(await cluster.exited).toEqual({ code: 1, signal: null });
      expect(cluster.stderr()).toBe(
        `cannot start: port ${port} on 127.0.0.1 is in use: stop what uses it, or set CLUSTER_PORT to another port\n`,
      );
      expect(leftIn(tmp)).toEqual([]);
    } finally {
      taken.close();
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
