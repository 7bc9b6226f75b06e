import type { ClientProtocol, ServerKind } from './server-kinds';
import type { GcPauses } from './servers/gc-pauses';

/** A server process's CPU time and memory at one moment. */
export interface ResourceSample {
  /** User + system CPU time since the process started, µs. */
  cpuMicros: number;
  rssBytes: number;
  heapUsedBytes: number;
  /** Garbage-collection pauses since the previous sample. */
  gc: GcPauses;
}

/** Where load-generator clients connect. */
export interface Endpoint {
  url: string;
  /** Sent as tRPC `connectionParams` (e.g. `{ token }`) when present. */
  connectionParams?: Record<string, string>;
}

/** Emit as fast as delivery keeps up, then complete every job. */
export interface FloodParams {
  /** Row errors each progress event carries, as an import's first rejected rows (default none). */
  rowErrors?: number;
  subscribersPerJob: number;
  /** Most progress events in all. */
  maxEvents: number;
  /** Longest emitting time, ms. */
  maxMs: number;
  /** Most messages emitted but not yet seen by the subscribers. */
  windowMessages: number;
  /** Messages emitted before yielding to I/O. */
  chunkMessages: number;
}

/** Emit at a fixed rate, then complete every job. */
export interface PacedParams {
  eventsPerSecond: number;
  durationMs: number;
}

/** What a server emitted in a phase. */
export interface EmitReport {
  /** Progress events emitted (each one goes to every subscriber of its job). */
  events: number;
  startedAtMicros: number;
  /** When the last terminal event was emitted. */
  endedAtMicros: number;
  /** Resources when emitting started. */
  atStart: ResourceSample;
  /**
   * GC pauses from the start until the completions were emitted: the window the latency samples come from.
   * The pauses after it (every job ending at once) are in the end sample.
   */
  emitGc: GcPauses;
}

/** Methods of a server process. */
export type ServerApi = {
  /** Creates `count` jobs and returns their ids. */
  createJobs: (params: { count: number }) => Promise<{ jobIds: string[] }>;
  /** Samples CPU and memory, after full GCs when asked. */
  sample: (params: { gc: boolean }) => Promise<ResourceSample>;
  flood: (params: FloodParams) => Promise<EmitReport>;
  /** Floods like `flood` without completing the jobs, then waits until the subscribers have caught up: JIT warm-up. */
  warm: (params: FloodParams) => Promise<{ events: number }>;
  paced: (params: PacedParams) => Promise<EmitReport>;
  /** Emits every job's completion. */
  complete: (params: Record<string, never>) => Promise<EmitReport>;
};

/** What a server process announces once it listens. */
export interface ServerReady extends Endpoint {
  kind: ServerKind;
}

/**
 * Where the instances of one `jobstream-cluster` run share their state: a fresh key prefix on the bench's
 * redis-server and a fresh schema of its PostgreSQL.
 */
export interface ClusterDeployment {
  redisUrl: string;
  /** With `search_path` set to the run's own schema. */
  databaseUrl: string;
  /** `REDIS_PREFIX`. */
  redisPrefix: string;
}

/** What the emitting instance of a cluster is started with: the deployment, and where its subscribers connect. */
export interface ClusterServerParams extends ClusterDeployment {
  /** The subscribers' instance (`ws://…/trpc`). */
  subscribersUrl: string;
}

/** Methods of a cluster's subscribers' instance, a process of its own. */
export type InstanceApi = {
  /** Samples CPU and memory, after full GCs when asked. */
  sample: (params: { gc: boolean }) => Promise<ResourceSample>;
};

/** Latency percentiles, µs. */
export interface LatencySummary {
  count: number;
  p50: number;
  p99: number;
  max: number;
}

/** What the load generator saw since its last reset. */
export interface LoadReport {
  subscribers: number;
  /** Messages received in the phase: progress events and terminal events. */
  delivered: number;
  terminals: number;
  /** Subscribers that saw no terminal event before the timeout. */
  missingTerminals: number;
  /** Subscribers whose last progress event before the terminal one was not the job's last. */
  wrongFinalState: number;
  /** Progress events received after a later one, or twice. */
  outOfOrder: number;
  /** Progress events a subscriber never received although it received a later one (conflated or lost). */
  skipped: number;
  /** Subscription errors. */
  errors: string[];
  /** When the last terminal event arrived, µs (see `nowMicros`). */
  lastReceiveAtMicros: number;
  /** The load generator's own CPU time over the phase, µs: near the phase's duration means it was the bottleneck. */
  loadCpuMicros: number;
  latency?: LatencySummary;
}

/** Subscribe `subscribersPerJob` clients, each on its own connection, to each job. */
export interface SubscribeParams extends Endpoint {
  protocol: ClientProtocol;
  jobIds: string[];
  subscribersPerJob: number;
  /** Connections opened at once. */
  concurrency: number;
}

/** Methods of the load-generator process. */
export type LoadApi = {
  subscribe: (params: SubscribeParams) => Promise<{ subscribers: number; elapsedMs: number }>;
  /** Starts a phase: zeroes the counters and reports coverage every few ms. */
  reset: (params: { recordLatency: boolean }) => null;
  /** Resolves once every subscriber has its terminal event, or at the timeout. */
  awaitTerminals: (params: { timeoutMs: number }) => Promise<LoadReport>;
  /** Closes every connection. */
  close: (params: Record<string, never>) => Promise<null>;
};

/** Notices between the processes. */
export interface Notices {
  /** Server process is listening. */
  ready: ServerReady;
  /** Load generator is up. */
  loadReady: Record<string, never>;
  /** Import process is up. */
  importReady: Record<string, never>;
  /** A cluster's subscribers' instance is listening, at `url` (`http://…`). */
  instanceReady: { url: string };
  /** Progress messages the subscribers have caught up with (received or superseded), for flow control. */
  covered: { messages: number };
}
