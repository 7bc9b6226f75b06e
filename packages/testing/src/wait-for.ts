import { vi } from 'vitest';

/**
 * How long `waitFor` retries before it gives up. A wait ends as soon as its condition holds, so this bound only ends a
 * hang: it is long because other programs may keep this machine's cores busy, which can turn milliseconds into seconds.
 * Every package's `testTimeout` is longer, so that a wait that gives up fails with its own message.
 */
export const WAIT_TIMEOUT_MS = 20_000;

/** How a wait retries: at most `timeout` ms (default `WAIT_TIMEOUT_MS`), every `interval` ms (default 50). */
export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

/**
 * Retries `condition` (an assertion, or anything that throws or rejects until the awaited event has happened) until it
 * returns, and resolves with what it returned: `vi.waitFor`, whose own default gives up after 1 s, bounded by
 * `WAIT_TIMEOUT_MS` instead.
 */
export function waitFor<T>(condition: () => T | Promise<T>, options: WaitOptions = {}): Promise<T> {
  return vi.waitFor(condition, { timeout: WAIT_TIMEOUT_MS, ...options });
}
