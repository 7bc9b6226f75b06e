import type { JobSubscription, SubscriptionSink } from './job-subscription';
import type { DeliveredEvent } from './stored-event';

/**
 * A subscription's events for a consumer that pulls them one at a time (an async iterator, as tRPC's own
 * handlers and server code consume them). The subscription sends into a small queue and, from the moment it hands
 * an event over until the consumer comes back for more, waits as it would for a full connection: what is recorded
 * meanwhile is conflated, what was pending before still arrives whole. Nothing starts until the first `next()`.
 */
export class PulledEvents implements AsyncIterableIterator<DeliveredEvent> {
  private readonly queue: DeliveredEvent[] = [];
  private ended = false;
  /** The consumer stopped (`return`): a subscription that starts after that is closed at once. */
  private returned = false;
  private starting: Promise<JobSubscription> | undefined;
  private subscription: JobSubscription | undefined;
  /** A `next()` waiting for an event. */
  private pending: ((result: IteratorResult<DeliveredEvent>) => void) | undefined;
  /** An event was handed over and the consumer has not come back for more since. */
  private outstanding = false;
  /** Ends the subscription's wait once the consumer asks for more. */
  private asked: (() => void) | undefined;

  constructor(
    /** Starts the subscription, sending into the given sink; rejects to fail the first `next()`. */
    private readonly start: (sink: SubscriptionSink) => Promise<JobSubscription>,
    /** The connection's own readiness (an HTTP response's), consulted when the consumer has taken everything. */
    private readonly connectionWritable?: () => Promise<void> | undefined,
  ) {}

  private readonly sink: SubscriptionSink = {
    writable: () => {
      if (this.outstanding) {
        return new Promise<void>((resolve) => {
          this.asked = resolve;
        });
      }
      return this.connectionWritable?.();
    },
    send: (event) => {
      this.queue.push(event);
      this.outstanding = true;
      this.deliver();
    },
    end: () => {
      this.ended = true;
      this.deliver();
    },
  };

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<DeliveredEvent>> {
    if (this.returned) return { value: undefined, done: true };
    if (!this.starting) {
      this.starting = this.start(this.sink);
      this.subscription = await this.starting.catch((error: unknown) => {
        this.ended = true;
        throw error;
      });
      if (this.returned) {
        this.subscription.close();
        return { value: undefined, done: true };
      }
    }
    const event = this.queue.shift();
    if (event) return { value: event, done: false };
    if (this.ended) return { value: undefined, done: true };
    const result = new Promise<IteratorResult<DeliveredEvent>>((resolve) => {
      this.pending = resolve;
    });
    this.comeBack();
    return result;
  }

  async return(): Promise<IteratorResult<DeliveredEvent>> {
    this.returned = true;
    this.ended = true;
    this.queue.length = 0;
    this.subscription?.close();
    this.deliver();
    this.asked?.();
    this.asked = undefined;
    return { value: undefined, done: true };
  }

  /**
   * The consumer asks for more after taking everything: a subscription waiting for that goes on; one that did not
   * look meanwhile learns the consumer was away since the last event it handed over.
   */
  private comeBack(): void {
    if (!this.outstanding) return;
    this.outstanding = false;
    const asked = this.asked;
    this.asked = undefined;
    if (asked) asked();
    else this.subscription?.waited();
  }

  /** Hands the waiting `next()` the next event, or the end. */
  private deliver(): void {
    const pending = this.pending;
    if (!pending) return;
    const event = this.queue.shift();
    if (!event && !this.ended) return;
    this.pending = undefined;
    pending(event ? { value: event, done: false } : { value: undefined, done: true });
  }
}
