import type { JobEventLog } from './job-event-log';
import { JobSubscription, type JobSubscriptionOptions } from './job-subscription';
import type { DeliveryMetrics } from './metrics';
import { PulledEvents } from './pulled-events';

/** Thrown by the first `next()` of `jobEvents` for a job neither the log nor the stored terminal event knows. */
export class UnknownJobError extends Error {
  override readonly name = 'UnknownJobError';
  constructor(readonly jobId: string) {
    super(`No job ${jobId}`);
  }
}

/** Options of `jobEvents`. */
export interface JobEventsOptions extends JobSubscriptionOptions {
  /** Ends the stream. */
  signal?: AbortSignal;
  /** The consumer's connection, when it has one: undefined while it can take more, else a promise for when it can. */
  writable?: () => Promise<void> | undefined;
}

/**
 * A job's events for server code that pulls them (`for await`), delivered by the same `JobSubscription` as every
 * transport: the current state (or a resume's replay), then each event, ending after the terminal one; events
 * recorded while the consumer had not come back for more are conflated. Starts at the first `next()`.
 */
export function jobEvents(
  source: { log: JobEventLog; delivery: DeliveryMetrics },
  jobId: string,
  options: JobEventsOptions = {},
): PulledEvents {
  const events = new PulledEvents(async (sink) => {
    const subscription = new JobSubscription(source.log, sink, source.delivery, options);
    if (!(await subscription.start(jobId))) throw new UnknownJobError(jobId);
    return subscription;
  }, options.writable);
  options.signal?.addEventListener('abort', () => void events.return(), { once: true });
  return events;
}
