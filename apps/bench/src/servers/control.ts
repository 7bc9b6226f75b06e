import { randomUUID } from 'node:crypto';
import { nowMicros, sleep, yieldToIo } from '../clock';
import type { EmitReport, FloodParams, PacedParams, ServerApi } from '../protocol';
import { progressPayload, resultPayload, rowErrors } from '../wire';
import type { BenchServer } from './bench-server';
import { FlowControl } from './flow-control';
import { takeGcPauses } from './gc-pauses';
import { sampleResources } from './resources';

/** Longest wait for the subscribers to catch up after a warm-up flood. */
const WARM_DRAIN_TIMEOUT_MS = 30_000;

/** Drives one server: creates jobs, emits their events round-robin, and reports resources. */
export class ServerControl {
  readonly flow = new FlowControl();
  private jobIds: string[] = [];
  /** Last progress event number per job, same index as `jobIds`. */
  private lastK = new Int32Array(0);
  private cursor = 0;
  /** The row errors the current flood's progress events carry. */
  private errors: string[] | undefined;

  constructor(private readonly server: BenchServer) {}

  /** The RPC methods of a server process. */
  api(): ServerApi {
    return {
      createJobs: ({ count }) => this.createJobs(count),
      sample: (params) => sampleResources(params),
      flood: (params) => this.flood(params),
      warm: (params) => this.warm(params),
      paced: (params) => this.paced(params),
      complete: async () => {
        const atStart = await sampleResources({ gc: false });
        return this.completeAll({ events: 0, startedAtMicros: nowMicros(), atStart });
      },
    };
  }

  private async createJobs(count: number): Promise<{ jobIds: string[] }> {
    this.jobIds = Array.from({ length: count }, () => randomUUID());
    this.lastK = new Int32Array(count);
    this.cursor = 0;
    for (const jobId of this.jobIds) await this.server.createJob(jobId);
    return { jobIds: this.jobIds };
  }

  private emitNext(): void {
    const index = this.cursor++ % this.jobIds.length;
    const jobId = this.jobIds[index] as string;
    const k = (this.lastK[index] ?? 0) + 1;
    this.lastK[index] = k;
    this.server.emitProgress(jobId, progressPayload({ jobId, k, sentAtMicros: nowMicros(), errors: this.errors }));
  }

  private async flood(params: FloodParams): Promise<EmitReport> {
    this.flow.reset();
    const atStart = await sampleResources({ gc: false });
    const startedAtMicros = nowMicros();
    const events = await this.emitFlood(params);
    return this.completeAll({ events, startedAtMicros, atStart });
  }

  private async warm(params: FloodParams): Promise<{ events: number }> {
    this.flow.reset();
    const events = await this.emitFlood(params);
    const deadlineMs = Date.now() + WARM_DRAIN_TIMEOUT_MS;
    await this.flow.waitForRoom({ emitted: events * params.subscribersPerJob, window: 1, deadlineMs });
    return { events };
  }

  /** Emits progress as fast as the subscribers keep up, within the window; returns how many events. */
  private async emitFlood(params: FloodParams): Promise<number> {
    const { subscribersPerJob, maxEvents, maxMs, windowMessages, chunkMessages } = params;
    this.errors = params.rowErrors ? rowErrors(params.rowErrors) : undefined;
    const chunk = Math.max(1, Math.floor(chunkMessages / subscribersPerJob));
    const deadlineMs = Date.now() + maxMs;
    let events = 0;
    while (events < maxEvents && Date.now() < deadlineMs) {
      await this.flow.waitForRoom({ emitted: events * subscribersPerJob, window: windowMessages, deadlineMs });
      const batch = Math.min(chunk, maxEvents - events);
      for (let i = 0; i < batch; i++) this.emitNext();
      events += batch;
      await yieldToIo();
    }
    return events;
  }

  private async paced(params: PacedParams): Promise<EmitReport> {
    this.errors = undefined;
    const atStart = await sampleResources({ gc: false });
    const startedAtMicros = nowMicros();
    const durationMicros = params.durationMs * 1000;
    let events = 0;
    for (let elapsed = 0; elapsed < durationMicros; elapsed = nowMicros() - startedAtMicros) {
      const due = Math.floor((elapsed * params.eventsPerSecond) / 1e6);
      for (; events < due; events++) this.emitNext();
      await sleep(1);
    }
    return this.completeAll({ events, startedAtMicros, atStart });
  }

  private completeAll(report: Omit<EmitReport, 'endedAtMicros' | 'emitGc'>): EmitReport {
    const emitGc = takeGcPauses();
    this.jobIds.forEach((jobId, index) => {
      this.server.emitCompletion(jobId, resultPayload({ jobId, processed: this.lastK[index] ?? 0 }));
    });
    return { ...report, emitGc, endedAtMicros: nowMicros() };
  }
}
