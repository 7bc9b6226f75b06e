import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Polls `check` (25 ms apart at first, up to 250 ms) until it resolves true. Rejects with `stopped()`'s reason as
 * soon as that says why waiting is pointless (the process died), when `signal` aborts, or after `timeoutMs` naming
 * `what`.
 */
export async function waitUntil(options: {
  what: string;
  check: () => Promise<boolean>;
  stopped?: () => string | undefined;
  signal?: AbortSignal | undefined;
  timeoutMs: number;
}): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (let pause = 25; ; pause = Math.min(250, pause * 2)) {
    options.signal?.throwIfAborted();
    const reason = options.stopped?.();
    if (reason) throw new Error(reason);
    if (await options.check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${options.what} did not happen within ${options.timeoutMs / 1000} s`);
    await sleep(pause);
  }
}

/** True when a GET of `url` answers `status` (any status when omitted). */
export async function answers(url: string, status?: number): Promise<boolean> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  await response.body?.cancel();
  return status === undefined || response.status === status;
}
