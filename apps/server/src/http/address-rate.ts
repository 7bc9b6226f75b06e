import type { RateLimit } from './rate-limit';

interface Bucket {
  tokens: number;
  at: number;
}

/**
 * A token bucket per client address: `perSecond` tokens a second, holding at most `burst`. Buckets that have
 * refilled are forgotten (checked at most once per refill period), so addresses that went quiet cost no memory.
 */
export class AddressRate implements RateLimit {
  private readonly buckets = new Map<string, Bucket>();
  private sweptAt: number;

  constructor(
    private readonly perSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.sweptAt = now();
  }

  /** Spends `count` of the address's tokens (at most a full bucket): 0 when it had them, else whole seconds to wait. */
  take(address: string, count = 1): number {
    const at = this.now();
    this.sweep(at);
    const needed = Math.min(count, this.burst);
    const bucket = this.buckets.get(address) ?? { tokens: this.burst, at };
    bucket.tokens = this.refilled(bucket, at);
    bucket.at = at;
    this.buckets.set(address, bucket);
    if (bucket.tokens >= needed) {
      bucket.tokens -= needed;
      return 0;
    }
    return Math.max(1, Math.ceil((needed - bucket.tokens) / this.perSecond));
  }

  private refilled(bucket: Bucket, at: number): number {
    return Math.min(this.burst, bucket.tokens + ((at - bucket.at) / 1000) * this.perSecond);
  }

  private sweep(at: number): void {
    if (at - this.sweptAt < (this.burst / this.perSecond) * 1000) return;
    this.sweptAt = at;
    for (const [address, bucket] of this.buckets) {
      if (this.refilled(bucket, at) >= this.burst) this.buckets.delete(address);
    }
  }
}
