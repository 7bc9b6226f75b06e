import type { UploadProgress, UploadResult } from '@jobstream/contracts';
import type { Endpoint } from '../protocol';

/** One server under test, as the control loop drives it. */
export interface BenchServer {
  endpoint: Endpoint;
  /** Prepares a job before anyone subscribes (emits its `started` event where the server needs one). */
  createJob(jobId: string): void | Promise<void>;
  /** Sends a progress event to every subscriber of the job. */
  emitProgress(jobId: string, payload: UploadProgress): void;
  /** Sends the job's terminal event to every subscriber. */
  emitCompletion(jobId: string, result: UploadResult): void;
  close(): Promise<void>;
}
