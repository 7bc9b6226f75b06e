/** A token bucket allowing `perSecond` messages a second, in bursts of up to `perSecond`. */
export function messageRate(perSecond: number, now: () => number = Date.now): () => boolean {
  let tokens = perSecond;
  let last = now();
  return () => {
    const at = now();
    tokens = Math.min(perSecond, tokens + ((at - last) / 1000) * perSecond);
    last = at;
    if (tokens < 1) return false;
    tokens--;
    return true;
  };
}
