import type { EmitReport, FloodParams, LoadReport } from '../protocol';
import type { GcPauses } from '../servers/gc-pauses';
import type { Pair } from './pair';

/** Longest wait for the last terminal event after emitting stopped. */
const TERMINAL_TIMEOUT_MS = 60_000;

/** A measured phase: what was emitted and received, and the server's CPU time over it. */
export interface PhaseResult {
  emitted: EmitReport;
  load: LoadReport;
  /** Server CPU time from the first emit until every terminal event was received, µs. */
  cpuMicros: number;
  /** From the first emit to the last terminal event received, µs. */
  durationMicros: number;
  /** The server's GC pauses after emitting (the completions and their delivery); those before are in `emitted.emitGc`. */
  gc: GcPauses;
}

/** Floods the subscribers unmeasured for `flood.maxMs` and waits until they caught up, so the measured phase runs warm code. */
export async function warmUp(pair: Pair, flood: FloodParams): Promise<void> {
  if (flood.maxMs <= 0) return;
  await pair.load.call('reset', { recordLatency: false });
  await pair.server.call('warm', flood);
}

/** Resets the load generator's counters, runs `emit` on the server, waits for the terminal events, samples CPU. */
export async function runPhase(options: {
  pair: Pair;
  recordLatency: boolean;
  emit: () => Promise<EmitReport>;
}): Promise<PhaseResult> {
  const { pair, recordLatency, emit } = options;
  await pair.load.call('reset', { recordLatency });
  const emitted = await emit();
  const load = await pair.load.call('awaitTerminals', { timeoutMs: TERMINAL_TIMEOUT_MS });
  const end = await pair.server.call('sample', { gc: false });
  const lastReceive = load.lastReceiveAtMicros || emitted.endedAtMicros;
  return {
    emitted,
    load,
    cpuMicros: end.cpuMicros - emitted.atStart.cpuMicros,
    gc: end.gc,
    durationMicros: Math.max(1, lastReceive - emitted.startedAtMicros),
  };
}

/** Server CPU µs per delivered message. */
export function cpuPerMessage(phase: PhaseResult): number {
  return phase.load.delivered === 0 ? Number.NaN : phase.cpuMicros / phase.load.delivered;
}

/** How busy the server and the load generator were over the phase, in % of one core. */
export function utilization(phase: PhaseResult): { serverCpuPct: number; loadCpuPct: number } {
  return {
    serverCpuPct: (100 * phase.cpuMicros) / phase.durationMicros,
    loadCpuPct: (100 * phase.load.loadCpuMicros) / phase.durationMicros,
  };
}
