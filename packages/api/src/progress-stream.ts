import type { JobStreamEvent, OnProgressInput } from '@jobstream/contracts';
import { JobSubscription, PulledEvents, type SubscriptionSink } from '@jobstream/progress';
import { TRPCError, type TrackedEnvelope, tracked } from '@trpc/server';
import type { ApiContext } from './context';
import { claimProgressSubscription } from './progress-access';
import { rethrowLogOutage } from './store-outage';
import { terminalEventOf } from './stored-events';
import { markPlainJson } from './transformer';

/**
 * What `upload.onProgress` returns: one job's events, started only when a transport consumes them. tRPC's own
 * handlers (SSE, `createCaller`) iterate it and receive `tracked(id, data)`; a transport that writes events itself
 * calls `open` with its sink instead. Either way the same checks run (the caller may see the job, its connection
 * has a subscription slot) and the same `JobSubscription` delivers, so the rules of delivery are one code.
 */
export class ProgressStream implements AsyncIterable<TrackedEnvelope<JobStreamEvent>> {
  constructor(
    private readonly ctx: ApiContext,
    private readonly input: OnProgressInput,
    /** The request's signal, when a tRPC handler iterates: its abort ends the iteration. */
    private readonly signal?: AbortSignal,
  ) {}

  /**
   * Claims the job for the caller and starts delivering into `sink`. Throws NOT_FOUND for a job the caller may not
   * see (or that neither the log nor the store knows), TOO_MANY_REQUESTS without a free subscription slot,
   * SERVICE_UNAVAILABLE while the store or the event log cannot be reached.
   */
  async open(sink: SubscriptionSink): Promise<JobSubscription> {
    const { ctx, input } = this;
    const { job, release } = await claimProgressSubscription(ctx, input.jobId);
    const subscription = new JobSubscription(ctx.log, sink, ctx.delivery, {
      lastEventId: input.lastEventId,
      stored: terminalEventOf(job),
      onClose: release,
    });
    let found: boolean;
    try {
      found = await subscription.start(job.jobId);
    } catch (error) {
      subscription.close();
      rethrowLogOutage(error);
    }
    if (!found) throw new TRPCError({ code: 'NOT_FOUND', message: `No job ${input.jobId}` });
    return subscription;
  }

  [Symbol.asyncIterator](): AsyncIterator<TrackedEnvelope<JobStreamEvent>> {
    const { connection } = this.ctx;
    const events = new PulledEvents(
      (sink) => this.open(sink),
      () => connection.writable(),
    );
    this.signal?.addEventListener('abort', () => void events.return(), { once: true });
    return {
      async next() {
        const result = await events.next();
        if (result.done) return { value: undefined, done: true };
        connection.sent?.(result.value);
        return { value: tracked(result.value.id, markPlainJson(result.value.data)), done: false };
      },
      async return() {
        await events.return();
        return { value: undefined, done: true };
      },
    };
  }
}
