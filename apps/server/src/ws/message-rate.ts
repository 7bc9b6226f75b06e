/** A token bucket allowing `perSecond` messages a second, in bursts of up to `perSecond`; `take(n)` spends n tokens. */
export function messageRate(perSecond: number, now: () => number = Date.now): (count?: number) => boolean {
  let tokens = perSecond;
  let last = now();
  return (count = 1) => {
    const at = now();
    tokens = Math.min(perSecond, tokens + ((at - last) / 1000) * perSecond);
    last = at;
    if (tokens < count) return false;
    tokens -= count;
    return true;
  };
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
