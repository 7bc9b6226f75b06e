/** Milliseconds since this module loaded: small integers, which V8 stores in an object's field without a box. */
const clockStart = Date.now();
function sinceStart(): number {
  return Date.now() - clockStart;
}

/**
 * A token bucket allowing `perSecond` messages a second, in bursts of up to `perSecond`. One per connection, so its
 * state is two integer fields (tokens in thousandths, time in milliseconds) rather than a closure's context.
 */
export class MessageRate {
  /** Tokens left, in thousandths of a message. */
  private milliTokens: number;
  /** When tokens were last added, in `now`'s milliseconds. */
  private last: number;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number = sinceStart,
  ) {
    this.milliTokens = perSecond * 1000;
    this.last = now();
  }

  /** Spends `count` tokens: false, spending none, when fewer are left. */
  take(count = 1): boolean {
    const at = this.now();
    // `perSecond` tokens a second is `perSecond` thousandths a millisecond.
    this.milliTokens = Math.min(this.perSecond * 1000, this.milliTokens + (at - this.last) * this.perSecond);
    this.last = at;
    if (this.milliTokens < count * 1000) return false;
    this.milliTokens -= count * 1000;
    return true;
  }
}

/** A text frame that is not JSON (tRPC's `PING`/`PONG`, or garbage tRPC answers with a parse error). */
export const NOT_JSON = Symbol('not JSON');

/** A WebSocket text frame parsed once, for the rate limit and the native path alike. */
export function parseFrame(data: Buffer): unknown {
  try {
    return JSON.parse(data.toString()) as unknown;
  } catch {
    return NOT_JSON;
  }
}

/** How many tRPC requests a parsed frame carries: the length of a batch (a JSON array), else 1. */
export function requestCount(frame: unknown): number {
  return Array.isArray(frame) ? Math.max(1, frame.length) : 1;
}
