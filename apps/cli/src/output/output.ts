import type { ConnectionStatus, JobProgressState, TrackedJobEvent } from '@jobstream/client';
import type { StoredJob, Template } from '../api-types';

/** The file being sent and how much of it has gone. */
export interface FileUploadProgress {
  file: string;
  sentBytes: number;
  totalBytes: number;
}

/** A job the server created from an upload. */
export interface CreatedJob {
  jobId: string;
  template: string;
  file: string;
}

/** What a command reports, drawn for a person (a terminal) or written as NDJSON for a program. */
export interface Output {
  /** Part of the file has been sent. */
  uploadProgress(progress: FileUploadProgress): void;
  /** The server accepted the file as a job. */
  jobCreated(job: CreatedJob): void;
  /** An event of the followed job, never one already reported, with the state it led to. */
  jobEvent(event: TrackedJobEvent, state: JobProgressState): void;
  /** The live connection changed once it had been open: `reconnecting`, then `connected` again. */
  connection(status: ConnectionStatus): void;
  /** The followed job ended; `state` is final. */
  jobEnded(state: JobProgressState): void;
  /** Ctrl-C detached from a job that keeps running. */
  detached(jobId: string): void;
  /** The caller's jobs, newest first. */
  jobs(jobs: readonly StoredJob[]): void;
  /** The server's import templates. */
  templates(templates: readonly Template[]): void;
  /** A cancel request's answer: whether the job was running and is now stopping. */
  cancelled(jobId: string, cancelled: boolean): void;
  /** A message for the user, never mixed with the data on stdout. */
  note(message: string): void;
  /** Stops drawing anything live; safe to call more than once. */
  close(): void;
}

/** Commands the output suggests, spelled with the server address the user gave. */
export interface CommandHints {
  watch(jobId: string): string;
  errors(jobId: string): string;
}
