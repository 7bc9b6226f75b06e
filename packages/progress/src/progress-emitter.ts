import type { JobEvent, UploadProgress, UploadResult } from '@jobstream/contracts';
import type { ProgressBus } from './bus';
import { formatEventId } from './event-id';
import { JobLifecycleError, validateTransition } from './lifecycle';
import type { RoomRegistry } from './room-registry';
import { createStoredEvent, type StoredEvent } from './stored-event';

/**
 * Where the emitter finds the state of a job whose room is not in memory (released after its retention, or
 * recorded by another process): storage, say. The progress layer only reads it, through this one method.
 */
export interface PersistedJobs {
  /** The job's latest event as persisted, with its sequence number; undefined for a job with no persisted event. */
  latestEvent(jobId: string): StoredEvent | undefined;
}

/** Where the emitter reads a job's current state and sends its events. */
export interface ProgressEmitterDeps {
  bus: ProgressBus;
  registry: RoomRegistry;
}

/** Options of `emitError`. */
export interface EmitErrorOptions {
  /** Row errors to report with the failure. */
  errors?: string[];
}

/** The API server code calls to report a job: create one per process and pass it to whoever runs jobs. */
export class ProgressEmitter {
  /**
   * Where the state of a job with no room is read (none by default: such a job is new), so an ended job stays
   * ended and its ids keep increasing after its room is released. Consulted only when a job has no room.
   */
  private persisted: PersistedJobs | undefined;

  constructor(private readonly deps: ProgressEmitterDeps) {}

  /** Sets where the state of jobs without a room is read; the server sets it once its storage is open. */
  usePersistedJobs(persisted: PersistedJobs): void {
    this.persisted = persisted;
  }

  /** Reports a running job's state; the first report of a job must have status `started`. Returns the event id. */
  emitProgress(jobId: string, progress: UploadProgress): string {
    return this.emit(jobId, { event: 'upload-progress', payload: progress });
  }

  /** Reports that a job completed, with its final counts; ends the job's stream. */
  emitCompletion(jobId: string, result: UploadResult): string {
    return this.emit(jobId, { event: 'upload-completed', payload: result });
  }

  /** Reports that a job failed; ends the job's stream. */
  emitError(jobId: string, message: string, options: EmitErrorOptions = {}): string {
    const latest = this.latestOf(jobId);
    if (!latest) throw new JobLifecycleError(jobId, 'job was never started');
    const payload = {
      jobId,
      templateName: latest.payload.templateName,
      status: 'failed' as const,
      message,
      ...(options.errors ? { errors: options.errors } : {}),
    };
    return this.emitAfter(jobId, latest, { event: 'upload-error', payload });
  }

  private emit(jobId: string, next: JobEvent): string {
    return this.emitAfter(jobId, this.latestOf(jobId), next);
  }

  private emitAfter(jobId: string, latest: StoredEvent | undefined, next: JobEvent): string {
    const event = validateTransition(jobId, latest, next);
    const seq = (latest?.seq ?? 0) + 1;
    this.deps.bus.publish({ jobId, event: createStoredEvent(event, seq, this.deps.registry.now()) });
    return formatEventId(seq);
  }

  /** The job's current state: its room's latest event, else what was persisted. */
  private latestOf(jobId: string): StoredEvent | undefined {
    const room = this.deps.registry.get(jobId);
    return room ? room.latest : this.persisted?.latestEvent(jobId);
  }
}
