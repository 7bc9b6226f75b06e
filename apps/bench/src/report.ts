import type { BenchResults, ImportRow, ImportStore, ImportVariant, ServerRow, ServerScenarioId } from './results';
import { ANCHORS, LABEL_OF, SERVER_KINDS } from './server-kinds';
import type { Sizes } from './sizes';
import { evaluateTargets } from './targets';
import { formatNumber, formatRatio, renderTextTable, type TextColumn } from './text-table';

/** A metric column of a scenario's table; `ratio` adds its ratio to each anchor. */
interface MetricSpec {
  key: string;
  header: string;
  digits: number;
  scale?: number;
  ratio?: boolean;
}

interface ScenarioSpec {
  title: (sizes: Sizes) => string;
  metrics: MetricSpec[];
  /** The reference figures on this machine. */
  reference?: string;
}

const n = (value: number) => value.toLocaleString('en-US');

const SPECS: Record<ServerScenarioId, ScenarioSpec> = {
  S1: {
    title: (s) => `S1 throughput: ${n(s.s1.jobs)} jobs x 1 subscriber, round-robin progress as fast as delivered`,
    metrics: [
      { key: 'msgsPerSec', header: 'msgs/s', digits: 0, ratio: true },
      { key: 'cpuMicrosPerMsg', header: 'CPU us/msg', digits: 1, ratio: true },
      { key: 'serverCpuPct', header: 'server CPU%', digits: 0 },
      { key: 'loadCpuPct', header: 'loadgen CPU%', digits: 0 },
      { key: 'skipped', header: 'skipped', digits: 0 },
    ],
    reference: 'CPU us/msg raw ws ~11, Socket.IO ~17, plain tRPC ~38',
  },
  'S1-latency': {
    title: (s) =>
      `S1-latency: ${n(s.s1Latency.jobs)} jobs x 1 subscriber at ${n(s.s1Latency.eventsPerSecond)} msgs/s, emit-to-receive`,
    metrics: [
      { key: 'p50Ms', header: 'p50 ms', digits: 2, ratio: true },
      { key: 'p99Ms', header: 'p99 ms', digits: 2, ratio: true },
      { key: 'maxMs', header: 'max ms', digits: 2 },
      { key: 'gcPer10kMsgs', header: 'GCs per 10k msgs', digits: 1 },
      { key: 'gcMaxPauseMs', header: 'max GC pause ms', digits: 2 },
      { key: 'gcSpikes', header: 'GC pauses > 2 ms', digits: 0 },
      { key: 'gcMinorSpikes', header: 'of them scavenges', digits: 0 },
      { key: 'completionGcMaxPauseMs', header: 'max GC pause ms, all jobs ending', digits: 2 },
      { key: 'samples', header: 'samples', digits: 0 },
    ],
  },
  S2: {
    title: (s) => `S2 fan-out: 1 job x ${n(s.s2.subscribers)} subscribers, events fully delivered to all`,
    metrics: [
      { key: 'eventsPerSec', header: 'events/s', digits: 1, ratio: true },
      { key: 'msgsPerSec', header: 'msgs/s', digits: 0 },
      { key: 'cpuMicrosPerMsg', header: 'CPU us/msg', digits: 1, ratio: true },
      { key: 'serverCpuPct', header: 'server CPU%', digits: 0 },
      { key: 'loadCpuPct', header: 'loadgen CPU%', digits: 0 },
      { key: 'skipped', header: 'skipped', digits: 0 },
    ],
    reference: 'events/s raw ws ~105, Socket.IO ~85, plain tRPC ~30',
  },
  S3: {
    title: (s) => `S3 memory: ${n(s.s3.subscribers)} idle subscribers, 1 per job, 1 connection each (RSS after GC)`,
    metrics: [
      { key: 'bytesPerSubscriber', header: 'KB/subscriber', digits: 1, scale: 1 / 1024, ratio: true },
      { key: 'heapBytesPerSubscriber', header: 'heap KB/sub', digits: 1, scale: 1 / 1024 },
      { key: 'subscribeMs', header: 'subscribe ms', digits: 0 },
    ],
    reference: 'KB per idle subscriber raw ws ~10, Socket.IO ~19, plain tRPC ~60',
  },
  'redis-memory': {
    title: (s) =>
      `Redis memory: ${n(s.redisMemory.jobs)} jobs x ${n(s.redisMemory.eventsPerJob)} progress events, then completed; ` +
      "MEMORY USAGE of each job's keys (event stream, 256-event ring, and meta hash), largest job",
    metrics: [
      { key: 'bytesPerJob', header: 'KB/job', digits: 1, scale: 1 / 1024 },
      { key: 'streamEntries', header: 'stream entries', digits: 0 },
      { key: 'bytesPerEntry', header: 'bytes/entry', digits: 0 },
      { key: 'bytesPerJobWithRowErrors', header: 'KB/job, events with row errors', digits: 1, scale: 1 / 1024 },
      { key: 'rowErrors', header: 'row errors/event', digits: 0 },
    ],
  },
};

function checkCell(ok: boolean): string {
  return ok ? 'ok' : 'FAIL';
}

function serverTable(scenario: ServerScenarioId, rows: readonly ServerRow[], sizes: Sizes): string {
  const spec = SPECS[scenario];
  const anchors = ANCHORS.map((kind) => rows.find((r) => r.server === kind));
  const columns: TextColumn[] = [{ header: 'server', align: 'left' }];
  for (const metric of spec.metrics) {
    columns.push({ header: metric.header, align: 'right' });
    if (metric.ratio) for (const kind of ANCHORS) columns.push({ header: `x ${LABEL_OF[kind]}`, align: 'right' });
  }
  columns.push({ header: 'check', align: 'left' });
  const body = SERVER_KINDS.flatMap((kind) => {
    const r = rows.find((x) => x.server === kind);
    if (!r) return [];
    const cells = [LABEL_OF[kind]];
    for (const metric of spec.metrics) {
      const value = r.metrics[metric.key];
      cells.push(formatNumber(value === undefined ? undefined : value * (metric.scale ?? 1), metric.digits));
      if (!metric.ratio) continue;
      for (const anchor of anchors) {
        const base = anchor?.metrics[metric.key];
        cells.push(formatRatio(value === undefined || base === undefined ? undefined : value / base));
      }
    }
    cells.push(checkCell(r.check.ok));
    return [cells];
  });
  const problems = rows.flatMap((r) => r.check.problems.map((p) => `  FAIL ${LABEL_OF[r.server]}: ${p}`));
  const reference = spec.reference ? [`  issue's reference on this machine: ${spec.reference}`] : [];
  return [spec.title(sizes), renderTextTable(columns, body), ...reference, ...problems].join('\n');
}

function fastestRun(runs: readonly ImportRow[]): ImportRow | undefined {
  const passing = runs.filter((r) => r.check.ok);
  return (passing.length > 0 ? passing : runs).reduce<ImportRow | undefined>(
    (best, r) => (best === undefined || r.rowsPerSec > best.rowsPerSec ? r : best),
    undefined,
  );
}

/** The slowest and fastest run, in seconds: how much runs vary on this machine. */
function spread(runs: readonly ImportRow[]): string {
  const seconds = runs.filter((r) => r.check.ok).map((r) => r.elapsedMs / 1000);
  if (seconds.length < 2) return '';
  return `${formatNumber(Math.min(...seconds), 2)}-${formatNumber(Math.max(...seconds), 2)}`;
}

const STORE_LABEL: Record<ImportStore, string> = { sqlite: 'SQLite', postgres: 'PostgreSQL' };
/** What each store's `bare-loop` anchor is. */
const ANCHOR_LABEL: Record<ImportStore, string> = { sqlite: 'bare loop', postgres: 'bare COPY loop' };
const IMPORT_VARIANTS: readonly ImportVariant[] = ['bare-loop', 'engine-progress-off', 'engine-progress-on'];

/** The stores with runs, in run order. */
function storesOf(runs: readonly ImportRow[]): ImportStore[] {
  return [...new Set(runs.map((r) => r.store))];
}

/** Each run's rows/s against its store's fastest passing anchor run. */
function ofBareLoop(runs: readonly ImportRow[], best: ImportRow): string {
  const bare = fastestRun(runs.filter((r) => r.store === best.store && r.variant === 'bare-loop'));
  return formatRatio(bare?.check.ok ? best.rowsPerSec / bare.rowsPerSec : undefined);
}

function importTable(runs: readonly ImportRow[], sizes: Sizes): string {
  const columns: TextColumn[] = [
    { header: 'store', align: 'left' },
    { header: 'variant', align: 'left' },
    { header: 'rows', align: 'right' },
    { header: 'runs', align: 'right' },
    { header: 'seconds', align: 'right' },
    { header: 'all runs s', align: 'right' },
    { header: 'rows/s', align: 'right' },
    { header: 'x bare loop', align: 'right' },
    { header: 'rows/CPU-s', align: 'right' },
    { header: 'progress events', align: 'right' },
    { header: 'reporting % of run', align: 'right' },
    { header: 'check', align: 'left' },
  ];
  const body = storesOf(runs).flatMap((store) =>
    IMPORT_VARIANTS.flatMap((variant) => {
      const ofVariant = runs.filter((r) => r.store === store && r.variant === variant);
      const best = fastestRun(ofVariant);
      if (!best) return [];
      return [
        [
          STORE_LABEL[store],
          variant,
          formatNumber(best.rows),
          String(ofVariant.length),
          formatNumber(best.elapsedMs / 1000, 2),
          spread(ofVariant),
          formatNumber(best.rowsPerSec),
          ofBareLoop(runs, best),
          formatNumber(best.rowsPerCpuSec),
          best.events === undefined ? '' : formatNumber(best.events),
          best.reportingMs === undefined ? '' : formatNumber((100 * best.reportingMs) / best.elapsedMs, 2),
          checkCell(ofVariant.every((r) => r.check.ok)),
        ],
      ];
    }),
  );
  const notes = runs.flatMap((r) => r.check.problems.map((p) => `  FAIL ${STORE_LABEL[r.store]} ${r.variant}: ${p}`));
  const title =
    `S4 import: ${n(sizes.s4.rows)}-row users CSV, fastest of the runs (engine = count rows + runImport; ` +
    'bare loop = csv-parse into better-sqlite3 for SQLite, into pg with COPY for PostgreSQL; rows/CPU-s counts the import process only)';
  return [title, renderTextTable(columns, body), ...notes].join('\n');
}

/** Each variant's fastest rows/s in every store requested, side by side, each against that store's anchor. */
function importStoresTable(results: BenchResults): string {
  const runs = results.imports ?? [];
  const notMeasured = results.importsNotMeasured ?? [];
  const stores = [...storesOf(runs), ...notMeasured.map((m) => m.store)];
  const columns: TextColumn[] = [{ header: 'variant', align: 'left' }];
  for (const store of stores) {
    columns.push({ header: `${STORE_LABEL[store]} rows/s`, align: 'right' });
    columns.push({ header: `x ${ANCHOR_LABEL[store]}`, align: 'right' });
  }
  const body = IMPORT_VARIANTS.map((variant) => {
    const cells: string[] = [variant];
    for (const store of stores) {
      const best = fastestRun(runs.filter((r) => r.store === store && r.variant === variant));
      if (!best) cells.push(notMeasured.some((m) => m.store === store) ? 'not measured' : 'n/a', '');
      else cells.push(best.check.ok ? formatNumber(best.rowsPerSec) : 'FAIL', ofBareLoop(runs, best));
    }
    return cells;
  });
  const notes = notMeasured.map((m) => `  ${STORE_LABEL[m.store]} not measured: ${m.reason}`);
  const title = "S4 rows/s by store, side by side (fastest run of each variant; x = / that store's bare loop)";
  return [title, renderTextTable(columns, body), ...notes].join('\n');
}

/** One line of the cluster's table: a metric of one scenario, for in-process jobstream and for the cluster. */
interface ClusterLine {
  scenario: ServerScenarioId;
  key: string;
  label: string;
  digits: number;
  scale?: number;
  /** How the cluster compares: its ratio to in-process, or the difference (latency added). */
  compare: 'ratio' | 'added';
  /** Measured on the cluster only (redis-server, one of its instances, Redis memory). */
  clusterOnly?: boolean;
}

const CLUSTER_LINES: readonly ClusterLine[] = [
  { scenario: 'S1', key: 'eventsPerSec', label: 'events/s carried', digits: 0, compare: 'ratio' },
  { scenario: 'S1', key: 'cpuMicrosPerMsg', label: 'server CPU us/msg (both instances)', digits: 1, compare: 'ratio' },
  {
    scenario: 'S1',
    key: 'subscribersCpuMicrosPerMsg',
    label: "of it the subscribers' instance",
    digits: 1,
    compare: 'ratio',
    clusterOnly: true,
  },
  {
    scenario: 'S1',
    key: 'redisCpuMicrosPerMsg',
    label: 'redis-server CPU us/msg',
    digits: 1,
    compare: 'ratio',
    clusterOnly: true,
  },
  { scenario: 'S1-latency', key: 'p50Ms', label: 'p50 ms', digits: 2, compare: 'added' },
  { scenario: 'S1-latency', key: 'p99Ms', label: 'p99 ms', digits: 2, compare: 'added' },
  { scenario: 'S2', key: 'eventsPerSec', label: 'events/s', digits: 1, compare: 'ratio' },
  { scenario: 'S2', key: 'cpuMicrosPerMsg', label: 'server CPU us/msg (both instances)', digits: 1, compare: 'ratio' },
  {
    scenario: 'S3',
    key: 'bytesPerSubscriber',
    label: "KB/idle subscriber (subscribers' instance)",
    digits: 1,
    scale: 1 / 1024,
    compare: 'ratio',
  },
  {
    scenario: 'redis-memory',
    key: 'bytesPerJob',
    label: 'Redis KB/job, 256-event ring',
    digits: 1,
    scale: 1 / 1024,
    compare: 'ratio',
    clusterOnly: true,
  },
];

/**
 * Two instances on one Redis against in-process jobstream in the same run, scenario by scenario: what crossing
 * Redis costs. Only the scenarios run appear; a cluster that could not run says why.
 */
function clusterTable(results: BenchResults): string | undefined {
  const notMeasured = results.serversNotMeasured?.find((m) => m.server === 'jobstream-cluster');
  const measured = results.servers.some((r) => r.server === 'jobstream-cluster');
  if (!measured && !notMeasured) return undefined;
  const value = (scenario: ServerScenarioId, server: 'jobstream' | 'jobstream-cluster', line: ClusterLine) => {
    const r = results.servers.find((x) => x.scenario === scenario && x.server === server);
    const v = r?.check.ok ? r.metrics[line.key] : undefined;
    return v === undefined ? undefined : v * (line.scale ?? 1);
  };
  const scenariosRun = new Set(results.servers.filter((r) => r.server === 'jobstream-cluster').map((r) => r.scenario));
  const body = CLUSTER_LINES.filter((line) => scenariosRun.has(line.scenario)).map((line) => {
    const local = line.clusterOnly ? undefined : value(line.scenario, 'jobstream', line);
    const cluster = value(line.scenario, 'jobstream-cluster', line);
    let versus = '';
    if (local !== undefined && cluster !== undefined) {
      versus =
        line.compare === 'ratio'
          ? formatRatio(cluster / local)
          : `${cluster >= local ? '+' : ''}${formatNumber(cluster - local, line.digits)}`;
    }
    return [
      line.scenario,
      line.label,
      line.clusterOnly ? '' : formatNumber(local, line.digits),
      formatNumber(cluster, line.digits),
      versus,
    ];
  });
  const columns: TextColumn[] = [
    { header: 'scenario', align: 'left' },
    { header: 'measure', align: 'left' },
    { header: LABEL_OF.jobstream, align: 'right' },
    { header: LABEL_OF['jobstream-cluster'], align: 'right' },
    { header: 'cluster vs in-process', align: 'right' },
  ];
  const title =
    'jobstream cluster: two instances on one redis-server and PostgreSQL, events emitted on one instance, subscribers connected to the other; against in-process jobstream (n/a: failed its check or not run)';
  const notes = notMeasured ? [`  ${LABEL_OF['jobstream-cluster']} not measured: ${notMeasured.reason}`] : [];
  return [title, ...(body.length > 0 ? [renderTextTable(columns, body)] : []), ...notes].join('\n');
}

/** Above this 1-minute load average, other work on the machine is likely to skew the numbers. */
export const BUSY_LOAD_AVERAGE = 0.7;

/** The printed report: one table per scenario with ratios to the anchors, then the targets. */
export function renderReport(results: BenchResults): string {
  const { machine } = results;
  const load = `load average ${machine.loadAverageAtStart.toFixed(2)} at start, ${machine.loadAverageAtEnd.toFixed(2)} at end (with the bench's own ~2)`;
  const header = [
    `jobstream bench (${results.mode}), ${results.startedAt}, ${(results.elapsedMs / 1000).toFixed(0)} s`,
    `Node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${load}`,
    `Server scenarios: best of ${results.sizes.repeats} run(s) each; x <anchor> = value / that anchor's value in this run.`,
  ];
  if (machine.loadAverageAtStart > BUSY_LOAD_AVERAGE) {
    header.push(
      'WARNING: the machine was busy when the run started; throughput and latency figures are skewed (CPU per message and memory less so).',
    );
  }
  const sections: string[] = [header.join('\n')];
  for (const scenario of Object.keys(SPECS) as ServerScenarioId[]) {
    const rows = results.servers.filter((r) => r.scenario === scenario);
    if (rows.length > 0) sections.push(serverTable(scenario, rows, results.sizes));
  }
  const cluster = clusterTable(results);
  if (cluster) sections.push(cluster);
  if (results.imports && results.imports.length > 0) sections.push(importTable(results.imports, results.sizes));
  if (results.imports || results.importsNotMeasured) sections.push(importStoresTable(results));
  const targets = evaluateTargets(results).map((t) => `  [${t.status.toUpperCase()}] ${t.name}: ${t.detail}`);
  sections.push(['Targets for jobstream', ...targets].join('\n'));
  return `${sections.join('\n\n')}\n`;
}
