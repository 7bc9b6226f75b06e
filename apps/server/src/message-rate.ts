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

const OPEN_BRACKET = 0x5b;

/** How many tRPC requests a WebSocket frame carries: the length of a batch (a JSON array), else 1. */
export function requestCount(data: unknown): number {
  const bytes = Buffer.isBuffer(data) ? data : undefined;
  if (!bytes || bytes[0] !== OPEN_BRACKET) return 1;
  try {
    const parsed: unknown = JSON.parse(bytes.toString());
    return Array.isArray(parsed) ? Math.max(1, parsed.length) : 1;
  } catch {
    return 1;
  }
}
