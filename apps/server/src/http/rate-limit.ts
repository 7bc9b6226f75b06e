/** A rate per key (a client address): `take` answers 0 when `count` tokens were there to spend, else whole seconds to wait. */
export interface RateLimit {
  take(key: string, count?: number): number | Promise<number>;
}
