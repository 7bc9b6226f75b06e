import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { startLoadGenerator } from '../src/load/load-generator';
import { renderReport } from '../src/report';
import type { BenchResults, ServerRow } from '../src/results';
import { runServerScenarios } from '../src/run-server-scenarios';
import { ClusterBackends } from '../src/scenarios/cluster-backends';
import { runRedisMemory } from '../src/scenarios/redis-memory';
import { runS1Latency } from '../src/scenarios/s1-latency';
import { runS1Throughput } from '../src/scenarios/s1-throughput';
import { runS2Fanout } from '../src/scenarios/s2-fanout';
import { runS3Memory } from '../src/scenarios/s3-memory';
import { runS4Import } from '../src/scenarios/s4-import';
import { isClusterKind, SERVER_KINDS } from '../src/server-kinds';
import { QUICK } from '../src/sizes';

function expectDelivered(row: ServerRow, subscribers: number) {
  expect(row.check.problems).toEqual([]);
  expect(row.load?.subscribers).toBe(subscribers);
  expect(row.load?.terminals).toBe(subscribers);
  expect(row.load?.wrongFinalState).toBe(0);
}

describe.concurrent('every scenario, tiny, against every server', () => {
  for (const kind of SERVER_KINDS) {
    it(`${kind}: each subscriber gets every terminal event with its exact last state`, async () => {
      await using load = await startLoadGenerator();
      // A cluster kind runs on a redis-server and PostgreSQL of its own here, as `runServerScenarios` starts them.
      await using backends = isClusterKind(kind) ? await ClusterBackends.start() : undefined;
      const run = { kind, load, ...(backends ? { backends } : {}) };
      const s1 = await runS1Throughput({
        ...run,
        sizes: { jobs: 10, maxEvents: 20, maxMs: 5000, windowMessages: 10, chunkMessages: 5 },
        warmupMs: 5000,
      });
      expectDelivered(s1, 10);
      expect(s1.metrics.events).toBe(20);
      expect(s1.load?.delivered).toBe(30);

      const latency = await runS1Latency({ ...run, sizes: { jobs: 10, eventsPerSecond: 100, durationMs: 200 } });
      expectDelivered(latency, 10);
      expect(latency.metrics.samples).toBeGreaterThan(0);
      expect(latency.metrics.p99Ms).toBeGreaterThan(0);

      const s2 = await runS2Fanout({
        ...run,
        sizes: { subscribers: 10, maxEvents: 20, maxMs: 5000, windowEvents: 2 },
        warmupMs: 5000,
      });
      expectDelivered(s2, 10);
      expect(s2.metrics.events).toBe(20);
      expect(s2.load?.delivered).toBeLessThanOrEqual(20 * 10 + 10);

      const s3 = await runS3Memory({ ...run, sizes: { subscribers: 10, settleMs: 0 } });
      expectDelivered(s3, 10);
      expect(Number.isFinite(s3.metrics.bytesPerSubscriber)).toBe(true);

      if (!backends) return;
      // Every delivered event crossed Redis: both instances' CPU, and redis-server's beside it.
      for (const row of [s1, latency, s2]) {
        expect(row.metrics.subscribersCpuMicrosPerMsg).toBeGreaterThan(0);
        expect(row.metrics.redisCpuMicrosPerMsg).toBeGreaterThan(0);
        expect(row.metrics.cpuMicrosPerMsg).toBeGreaterThan(row.metrics.subscribersCpuMicrosPerMsg ?? 0);
      }
      const redis = await runRedisMemory({ ...run, sizes: { jobs: 2, eventsPerJob: 300, rowErrors: 5 } });
      expect(redis.check.problems).toEqual([]);
      // The stream keeps the newest 256 events (HISTORY_MAX_EVENTS) of the 300 progress events and the completion.
      expect(redis.metrics.streamEntries).toBe(256);
      expect(redis.metrics.bytesPerJob).toBeGreaterThan(256 * (redis.metrics.bytesPerEntry ?? 0) * 0.9);
      expect(redis.metrics.bytesPerJobWithRowErrors).toBeGreaterThan(redis.metrics.bytesPerJob ?? 0);
    });
  }
});

describe('the cluster server scenarios', () => {
  const signalListeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');

  it('stop the redis-server and PostgreSQL they started, and remove their folder', async () => {
    const listenersBefore = signalListeners();
    const backends = await ClusterBackends.start();
    const { redisPid, postgresPid, postgresFolder } = backends.processes;
    expect(existsSync(postgresFolder)).toBe(true);
    await backends[Symbol.asyncDispose]();
    for (const pid of [redisPid, postgresPid]) expect(() => process.kill(pid as number, 0)).toThrow();
    expect(existsSync(postgresFolder)).toBe(false);
    expect(signalListeners()).toBe(listenersBefore);
  });

  it('report the cluster as not measured, with the reason, when redis-server cannot start', async () => {
    const saved = process.env.REDIS_SERVER;
    process.env.REDIS_SERVER = '/nonexistent/redis-server';
    try {
      const lines: string[] = [];
      const measured = await runServerScenarios({
        scenarios: ['redis-memory'],
        servers: ['jobstream-cluster'],
        sizes: QUICK,
        log: (line) => lines.push(line),
      });
      expect(measured.servers).toEqual([]);
      expect(measured.serversNotMeasured).toEqual([
        { server: 'jobstream-cluster', reason: expect.stringContaining('spawn /nonexistent/redis-server ENOENT') },
      ]);
      const report = renderReport({ ...emptyResults(), ...measured });
      expect(report).toContain('jobstream cluster not measured: no redis-server and PostgreSQL');
      expect(report).toMatch(/\[NOT MEASURED\] Redis memory per job .*ENOENT/);
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER;
      else process.env.REDIS_SERVER = saved;
    }
  });
});

describe('S4 import', () => {
  const signalListeners = () => process.listenerCount('SIGINT') + process.listenerCount('SIGTERM');

  it('imports every row into SQLite and PostgreSQL with the bare loops and the engine, progress off and on', async () => {
    const listenersBefore = signalListeners();
    const { imports, importsNotMeasured } = await runS4Import({
      sizes: { rows: 500, repeats: 1 },
      stores: ['sqlite', 'postgres'],
      log: () => {},
    });
    expect(importsNotMeasured).toEqual([]);
    expect(imports.map((r) => `${r.store} ${r.variant}`)).toEqual([
      'sqlite bare-loop',
      'sqlite engine-progress-off',
      'sqlite engine-progress-on',
      'postgres bare-loop',
      'postgres engine-progress-off',
      'postgres engine-progress-on',
    ]);
    for (const run of imports) {
      expect(run.check.problems).toEqual([]);
      expect(run.rows).toBe(500);
    }
    for (const store of ['sqlite', 'postgres']) {
      const on = imports.find((r) => r.store === store && r.variant === 'engine-progress-on');
      expect(on?.events).toBeGreaterThanOrEqual(2);
    }
    // The cluster is stopped and its signal handlers are gone once the scenario returns.
    expect(signalListeners()).toBe(listenersBefore);
  });

  it('reports PostgreSQL as not measured, with the reason, when no cluster can start', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'jobstream-bench-no-postgres-'));
    const saved = process.env.POSTGRES_BIN;
    process.env.POSTGRES_BIN = empty;
    try {
      const s4 = await runS4Import({ sizes: { rows: 50, repeats: 1 }, stores: ['postgres'], log: () => {} });
      expect(s4.imports).toEqual([]);
      expect(s4.importsNotMeasured).toEqual([
        { store: 'postgres', reason: expect.stringMatching(/^no PostgreSQL cluster: .*initdb/) },
      ]);
      const report = renderReport({ ...emptyResults(), ...s4 });
      expect(report).toMatch(/engine-progress-on\s+not measured/);
      expect(report).toContain('PostgreSQL not measured: no PostgreSQL cluster');
      expect(report).toContain('[NOT MEASURED] S4 PostgreSQL full import (progress on) >= 70% of the bare COPY loop');
    } finally {
      if (saved === undefined) delete process.env.POSTGRES_BIN;
      else process.env.POSTGRES_BIN = saved;
      await rm(empty, { recursive: true, force: true });
    }
  });
});

function emptyResults(): BenchResults {
  return {
    mode: 'quick',
    sizes: QUICK,
    startedAt: new Date().toISOString(),
    elapsedMs: 0,
    machine: { node: process.version, cpus: 2, cpuModel: 'test', loadAverageAtStart: 0, loadAverageAtEnd: 0 },
    servers: [],
  };
}
