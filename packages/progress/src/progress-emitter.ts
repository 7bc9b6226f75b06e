import type { JobEvent, UploadProgress, UploadResult } from '@jobstream/contracts';
import type { ProgressBus } from './bus';
import { formatEventId } from './event-id';
import { JobLifecycleError, validateTransition } from './lifecycle';
import type { RoomRegistry } from './room-registry';
import { createStoredEvent } from './stored-event';

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
  constructor(private readonly deps: ProgressEmitterDeps) {}

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
    const latest = this.deps.registry.get(jobId)?.latest;
    if (!latest) throw new JobLifecycleError(jobId, 'job was never started');
    const payload = {
      jobId,
      templateName: latest.payload.templateName,
      status: 'failed' as const,
      message,
      ...(options.errors ? { errors: options.errors } : {}),
    };
    return this.emit(jobId, { event: 'upload-error', payload });
  }

  private emit(jobId: string, next: JobEvent): string {
    const room = this.deps.registry.get(jobId);
    const event = validateTransition(jobId, room?.latest, next);
    const seq = (room?.seq ?? 0) + 1;
    this.deps.bus.publish({ jobId, event: createStoredEvent(event, seq, this.deps.registry.now()) });
    return formatEventId(seq);
  }
}
