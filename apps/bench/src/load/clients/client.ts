import type { Endpoint } from '../../protocol';
import type { JobEvent } from '../../wire';

/** How long a subscription may take to be confirmed. */
export const SUBSCRIBE_TIMEOUT_MS = 20_000;

/** One subscriber: a connection subscribed to one job. */
export interface SubscriberOptions {
  endpoint: Endpoint;
  jobId: string;
  onEvent(event: JobEvent): void;
  onError(message: string): void;
}

/** An open subscriber connection. */
export interface Connection {
  close(): void;
}

/** Opens a connection, subscribes to the job and resolves once the server confirmed the subscription. */
export type Subscribe = (options: SubscriberOptions) => Promise<Connection>;

/** Rejects with a timeout error after `ms`, unless `promise` settles first. */
export function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} timed out after ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
