import { describe, expect, it } from 'vitest';
import type { BenchResults, ImportRow, ImportStore, ImportVariant, ServerRow } from '../src/results';
import type { ServerKind } from '../src/server-kinds';
import { FULL } from '../src/sizes';
import { evaluateTargets } from '../src/targets';

/** A run's results with the given rows, on a made-up machine. */
function benchRun(fields: Pick<BenchResults, 'mode' | 'servers'> & Partial<BenchResults>): BenchResults {
  return {
    sizes: FULL,
    startedAt: '2026-11-28T00:00:00.000Z',
    elapsedMs: 0,
    machine: { node: 'v20', cpus: 2, cpuModel: 'test', loadAverageAtStart: 0, loadAverageAtEnd: 0 },
    ...fields,
  };
}

type Round = { p99Ms: number; gcSpikes: number; gcMaxPauseMs: number; completionGcMaxPauseMs: number };

function latencyRow(server: ServerKind, rounds: Round[]): ServerRow {
  const best = rounds.reduce((a, b) => (b.p99Ms < a.p99Ms ? b : a));
  return { scenario: 'S1-latency', server, metrics: best, check: { ok: true, problems: [] }, runs: rounds };
}

function latencyVerdict(rounds: Round[]) {
  const results = benchRun({
    mode: 'full',
    servers: [
      latencyRow('jobstream', rounds),
      latencyRow('raw-ws', [{ p99Ms: 0.2, gcSpikes: 1, gcMaxPauseMs: 2.3, completionGcMaxPauseMs: 0 }]),
    ],
  });
  return evaluateTargets(results).find((target) => target.name.startsWith('S1-latency'));
}

const quiet = { p99Ms: 0.3, gcSpikes: 0, gcMaxPauseMs: 1.2, completionGcMaxPauseMs: 0 };

describe('the S1-latency target', () => {
  it('is met with no pause over 2 ms while emitting in any round, whatever the ending burst took', () => {
    const verdict = latencyVerdict([quiet, { ...quiet, p99Ms: 0.4, completionGcMaxPauseMs: 8 }]);
    expect(verdict?.status).toBe('met');
    expect(verdict?.detail).toContain('0 GC pause(s) > 2 ms in 2 round(s) (raw ws: 1)');
  });

  it('counts a pause over 2 ms in a round that is not the best one', () => {
    const verdict = latencyVerdict([quiet, { ...quiet, p99Ms: 0.5, gcSpikes: 1, gcMaxPauseMs: 2.4 }]);
    expect(verdict?.status).toBe('not met');
    expect(verdict?.detail).toContain('longest 2.40 ms');
  });

  it('is not met with a p99 of 2 ms or more', () => {
    expect(latencyVerdict([{ ...quiet, p99Ms: 2 }])?.status).toBe('not met');
  });
});

describe('the Socket.IO compatibility path’s targets', () => {
  function s1Row(server: ServerKind, cpuMicrosPerMsg: number): ServerRow {
    return { scenario: 'S1', server, metrics: { cpuMicrosPerMsg }, check: { ok: true, problems: [] } };
  }

  function compatVerdict(compat: number) {
    const results = benchRun({
      mode: 'quick',
      servers: [s1Row('socketio', 20), s1Row('jobstream-socketio', compat)],
    });
    return evaluateTargets(results).find((target) => target.name.startsWith('S1 Socket.IO compat path'));
  }

  it('compares the compatibility path’s CPU per message with Socket.IO’s own', () => {
    expect(compatVerdict(15)).toEqual({
      name: "S1 Socket.IO compat path CPU per delivered message <= Socket.IO's",
      status: 'met',
      detail: 'jobstream Socket.IO compat 15.0 us vs Socket.IO 20.0 us (0.75x)',
    });
    expect(compatVerdict(21)?.status).toBe('not met');
  });
});

describe('the event log’s S1 and S2 targets', () => {
  function verdicts(jobstream: { cpu: number; events: number }) {
    const rows = (server: ServerKind, cpu: number, events: number): ServerRow[] => [
      { scenario: 'S1', server, metrics: { cpuMicrosPerMsg: cpu }, check: { ok: true, problems: [] } },
      { scenario: 'S2', server, metrics: { eventsPerSec: events }, check: { ok: true, problems: [] } },
    ];
    const results = benchRun({
      mode: 'quick',
      servers: [...rows('socketio', 20, 100), ...rows('jobstream', jobstream.cpu, jobstream.events)],
    });
    const targets = evaluateTargets(results);
    return {
      s1: targets.find((target) => target.name.startsWith('S1 server CPU')),
      s2: targets.find((target) => target.name.startsWith('S2 events/s')),
    };
  }

  it('asks S1 for at most 0.8x Socket.IO’s CPU per message and S2 for at least 1.2x its events/s', () => {
    const met = verdicts({ cpu: 16, events: 120 });
    expect(met.s1).toEqual({
      name: "S1 server CPU per delivered message <= 0.8x Socket.IO's",
      status: 'met',
      detail: 'jobstream 16.0 us vs Socket.IO 20.0 us (0.80x)',
    });
    expect(met.s2?.status).toBe('met');
    const missed = verdicts({ cpu: 16.5, events: 119 });
    expect(missed.s1?.status).toBe('not met');
    expect(missed.s2).toEqual({
      name: "S2 events/s to 1,000 subscribers >= 1.2x Socket.IO's",
      status: 'not met',
      detail: 'jobstream 119.0 vs Socket.IO 100.0 (1.19x)',
    });
  });
});

describe('the S4 targets, per store', () => {
  function importRun(store: ImportStore, variant: ImportVariant, rowsPerSec: number): ImportRow {
    const elapsedMs = 1_000_000 / (rowsPerSec / 1000);
    const check = { ok: true, problems: [] };
    return { store, variant, rows: 1_000_000, elapsedMs, rowsPerSec, rowsPerCpuSec: rowsPerSec, check };
  }

  function importVerdicts(imports: ImportRow[], importsNotMeasured: BenchResults['importsNotMeasured'] = []) {
    const results = benchRun({
      mode: 'full',
      servers: [],
      imports,
      importsNotMeasured,
    });
    const verdicts = evaluateTargets(results);
    return {
      sqlite: verdicts.find((t) => t.name === 'S4 full import (progress on) >= 70% of the bare loop'),
      postgres: verdicts.find((t) => t.name.startsWith('S4 PostgreSQL full import')),
    };
  }

  it('judges each store against its own bare loop', () => {
    const { sqlite, postgres } = importVerdicts([
      importRun('sqlite', 'bare-loop', 200_000),
      importRun('sqlite', 'engine-progress-on', 150_000),
      importRun('postgres', 'bare-loop', 100_000),
      importRun('postgres', 'engine-progress-on', 65_000),
    ]);
    expect(sqlite).toMatchObject({ status: 'met', detail: '75% (150000 vs 200000 rows/s)' });
    expect(postgres).toMatchObject({ status: 'not met', detail: '65% (65000 vs 100000 rows/s)' });
  });

  it('says why PostgreSQL was not measured', () => {
    const reason = 'no PostgreSQL cluster: PostgreSQL is not installed';
    const { sqlite, postgres } = importVerdicts(
      [importRun('sqlite', 'bare-loop', 200_000), importRun('sqlite', 'engine-progress-on', 150_000)],
      [{ store: 'postgres', reason }],
    );
    expect(sqlite?.status).toBe('met');
    expect(postgres).toMatchObject({ status: 'not measured', detail: reason });
  });
});

describe('the cluster’s targets', () => {
  function serverRow(scenario: ServerRow['scenario'], server: ServerKind, metrics: Record<string, number>): ServerRow {
    return { scenario, server, metrics, check: { ok: true, problems: [] } };
  }

  function clusterVerdicts(servers: ServerRow[], serversNotMeasured: BenchResults['serversNotMeasured'] = []) {
    const results = benchRun({
      mode: 'quick',
      servers,
      serversNotMeasured,
    });
    const verdicts = evaluateTargets(results);
    return {
      latency: verdicts.find((t) => t.name.startsWith('S1-latency: two instances on one Redis')),
      redis: verdicts.find((t) => t.name.startsWith('Redis memory per job')),
      s3: verdicts.find((t) => t.name.startsWith("S3 memory per idle subscriber on the subscribers' instance")),
    };
  }

  const redisRow = (bytesPerJob: number) =>
    serverRow('redis-memory', 'jobstream-cluster', {
      bytesPerJob,
      streamEntries: 256,
      bytesPerJobWithRowErrors: 1024 * 1024,
      rowErrors: 100,
    });

  it('judges the latency the cluster adds at p99, and its memory per subscriber, against in-process jobstream', () => {
    const { latency, s3 } = clusterVerdicts([
      serverRow('S1-latency', 'jobstream', { p99Ms: 1.5 }),
      serverRow('S1-latency', 'jobstream-cluster', { p99Ms: 6.4 }),
      serverRow('S3', 'jobstream', { bytesPerSubscriber: 10 * 1024 }),
      serverRow('S3', 'jobstream-cluster', { bytesPerSubscriber: 9 * 1024 }),
    ]);
    expect(latency).toMatchObject({ status: 'met', detail: 'p99 6.40 ms vs in-process 1.50 ms (+4.90 ms)' });
    expect(s3).toMatchObject({ status: 'met', detail: 'cluster 9.0 KB vs in-process 10.0 KB (0.90x)' });

    const worse = clusterVerdicts([
      serverRow('S1-latency', 'jobstream', { p99Ms: 1.5 }),
      serverRow('S1-latency', 'jobstream-cluster', { p99Ms: 6.5 }),
      serverRow('S3', 'jobstream', { bytesPerSubscriber: 10 * 1024 }),
      serverRow('S3', 'jobstream-cluster', { bytesPerSubscriber: 10.5 * 1024 }),
    ]);
    expect(worse.latency?.status).toBe('not met');
    expect(worse.s3?.status).toBe('not met');
  });

  it('holds Redis memory per job to 64 KB', () => {
    expect(clusterVerdicts([redisRow(64 * 1024)]).redis).toMatchObject({
      status: 'met',
      detail: '64.0 KB, 256 stream entries (events carrying 100 row errors each: 1024.0 KB)',
    });
    expect(clusterVerdicts([redisRow(64 * 1024 + 1)]).redis?.status).toBe('not met');
  });

  it('says why the cluster was not measured, and which row is missing when it ran', () => {
    const reason = 'no redis-server and PostgreSQL: redis-server exited (-2): spawn redis-server ENOENT';
    const notRun = clusterVerdicts(
      [serverRow('S1-latency', 'jobstream', { p99Ms: 1.5 })],
      [{ server: 'jobstream-cluster', reason }],
    );
    for (const verdict of Object.values(notRun))
      expect(verdict).toMatchObject({ status: 'not measured', detail: reason });

    const failed = { ...redisRow(1024), check: { ok: false, problems: ['1 terminal events lost'] } };
    expect(clusterVerdicts([failed]).redis).toMatchObject({
      status: 'not measured',
      detail: 'the redis-memory row is missing or failed its check',
    });
  });
});
