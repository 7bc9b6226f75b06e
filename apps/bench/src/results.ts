import type { LoadReport } from './protocol';
import type { ServerKind } from './server-kinds';
import type { Sizes } from './sizes';

/** The scenarios that compare the servers. */
export type ServerScenarioId = 'S1' | 'S1-latency' | 'S2' | 'S3';

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

/** The S4 import variants. */
export type ImportVariant = 'bare-loop' | 'engine-progress-off' | 'engine-progress-on';

/** One S4 run. */
export interface ImportRow {
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
  imports?: ImportRow[];
}
