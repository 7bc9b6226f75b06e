import type { LoadReport } from './protocol';
import type { ServerKind } from './server-kinds';
import type { Sizes } from './sizes';

/** The scenarios that compare the servers; `redis-memory` runs on the cluster only. */
export type ServerScenarioId = 'S1' | 'S1-latency' | 'S2' | 'S3' | 'redis-memory';

/** Whether a scenario delivered what it had to. */
export interface Check {
  ok: boolean;
  problems: string[];
}

/** One server's numbers in one scenario. */
export interface ServerRow {
  scenario: ServerScenarioId;
  server: ServerKind;
  /** The best run's metrics (see `best-run.ts`). */
  metrics: Record<string, number>;
  /** Failed when any run failed. */
  check: Check;
  /** The best run's load report; absent when no run could run. */
  load?: LoadReport;
  /** Every run's metrics, in run order. */
  runs?: Record<string, number>[];
}

/**
 * The S4 import variants. `bare-loop` is each store's anchor: csv-parse into better-sqlite3 for SQLite, into `pg`
 * with COPY for PostgreSQL.
 */
export type ImportVariant = 'bare-loop' | 'engine-progress-off' | 'engine-progress-on';

/** The stores S4 imports into. */
export type ImportStore = 'sqlite' | 'postgres';

/** One S4 run. */
export interface ImportRow {
  store: ImportStore;
  variant: ImportVariant;
  rows: number;
  elapsedMs: number;
  rowsPerSec: number;
  /** Rows per second of the import process's CPU time. */
  rowsPerCpuSec: number;
  /** Progress events the in-process subscriber received. */
  events?: number;
  /** Time spent in the progress reporter's calls, ms: the direct measure of what reporting costs. */
  reportingMs?: number;
  check: Check;
}

/** Everything one invocation measured. */
export interface BenchResults {
  mode: 'quick' | 'full';
  sizes: Sizes;
  startedAt: string;
  elapsedMs: number;
  /** 1-minute load averages when the run started (other work skews the numbers) and ended (the bench's own included). */
  machine: { node: string; cpus: number; cpuModel: string; loadAverageAtStart: number; loadAverageAtEnd: number };
  servers: ServerRow[];
  /** Servers asked for but not run (the cluster without redis-server or PostgreSQL, say), with the reason. */
  serversNotMeasured?: { server: ServerKind; reason: string }[];
  imports?: ImportRow[];
  /** Stores S4 was asked for but could not import into (PostgreSQL not installed, say), with the reason. */
  importsNotMeasured?: { store: ImportStore; reason: string }[];
}
