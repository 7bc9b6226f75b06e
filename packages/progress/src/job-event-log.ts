import type { JobEvent } from '@jobstream/contracts';
import type { JobRoom } from './job-room';
import type { LogMetrics } from './metrics';
import type { StoredEvent } from './stored-event';

/**
 * The one source of truth for jobs' events: every event is appended here, numbered here, and read from here by
 * every subscriber, whatever its transport. An implementation keeps, for each job it holds, a `JobRoom` in this
 * process (the job's current state, a bounded history, the subscribers waiting on it) that subscribers read
 * synchronously; where the events live beyond the process (nowhere, or a shared store) is the implementation's.
 *
 * The contract every implementation keeps (`describeJobEventLog` in `@jobstream/progress/testing` checks it):
 * - **Ids.** `append` gives each event the id `<epoch>:<seq>`: `seq` increases by one per event of a job, and
 *   `epoch` names the job's history. A history that starts from nothing (a job's first event, or a job whose
 *   earlier history the log has lost) gets a new epoch, so an id is never given twice and a position from a lost
 *   history is never read as one in the current history.
 * - **Appending.** `append` resolves with the event's id once the event is recorded, and rejects when it is not
 *   (`JobLifecycleError` for an event refused, `EventLogUnavailableError` when the log cannot be reached): an emit
 *   never fails silently, and nothing waits without bound for a log that is away. A process's appends to one
 *   job are recorded in the order they were called, awaited or not.
 * - **Lifecycle.** `started` first and only first, then any number of `processing` events whose `progress` never
 *   decreases, then one terminal event (`upload-completed` or `upload-error`), after which nothing is accepted.
 *   Anything else rejects with `JobLifecycleError` and is not recorded. An event for a job the log holds no history
 *   of must be its `started`.
 * - **Reading.** `open` resolves with the job's room once it holds the job's current state and its history (the
 *   newest events, bounded by count and age); from then on every appended event reaches the room, in order, and
 *   wakes the room's waiters, until `close`. Each `open` that returns a room is closed exactly once. `open` rejects
 *   with `EventLogUnavailableError` when the log cannot be reached.
 * - **Retention.** A job's room stays readable after its terminal event for the configured retention; after that
 *   the log may forget the job (`open` resolves undefined), and its terminal event is the store's to serve.
 */
/** The log could not be reached (a shared log's server is away): the event was not recorded; try again later. */
export class EventLogUnavailableError extends Error {
  override readonly name = 'EventLogUnavailableError';
}

/**
 * A job's next event, made from its current state when the log records it (in call order with the job's other
 * appends): how `emitError` fills in the template name without reading the state first.
 */
export type NextEvent = (latest: StoredEvent) => JobEvent;

export interface JobEventLog extends Disposable {
  /**
   * Validates and records a job's next event (or the one `next` makes from the job's current state, rejecting with
   * `JobLifecycleError` when the job has none); resolves with its id. Rejects with `JobLifecycleError` for an event
   * the lifecycle forbids.
   */
  append(jobId: string, event: JobEvent | NextEvent): Promise<string>;
  /** The newest event of a job the log holds, if any. */
  latest(jobId: string): Promise<StoredEvent | undefined>;
  /** Opens a job for reading: its room, kept current until `close`, or undefined when the log does not hold the job. */
  open(jobId: string): Promise<JobRoom | undefined>;
  /** Ends one `open`'s hold on a room. */
  close(room: JobRoom): void;
  /** Gauges and counters, for `/metrics` and leak checks. */
  metrics(): LogMetrics;
}
