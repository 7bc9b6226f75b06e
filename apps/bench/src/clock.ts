/** Microseconds on the system-wide monotonic clock (CLOCK_MONOTONIC), so two processes on one machine agree. */
export function nowMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** Resolves after `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves after pending I/O callbacks have run. */
export function yieldToIo(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
