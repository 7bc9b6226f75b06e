import type { RedisConnection } from './redis-connection';
import { RedisScript } from './redis-script';

/**
 * Spends tokens of a bucket refilled at `perSecond` up to `burst`; answers 0, or the seconds to wait.
 * KEYS: bucket. ARGV: now ms, per second, burst, count.
 */
const TAKE = `
local now = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local needed = math.min(tonumber(ARGV[4]), burst)
local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(state[1]) or burst
local at = tonumber(state[2]) or now
tokens = math.min(burst, tokens + math.max(0, now - at) / 1000 * rate)
local wait = 0
if tokens >= needed then tokens = tokens - needed else wait = math.max(1, math.ceil((needed - tokens) / rate)) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', ARGV[1])
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate * 1000))
return wait
`;

/** The limit a `RedisRate` applies by itself while Redis is away. */
export interface LocalRate {
  take(key: string, count?: number): number;
}

/** Options of a shared rate. */
export interface RedisRateOptions {
  client: RedisConnection;
  /** What is limited (`requests`, `sessions`): part of each bucket's key. */
  name: string;
  perSecond: number;
  burst: number;
  /** Applied while Redis cannot answer, so a Redis outage neither stops traffic nor lifts the limit. */
  fallback: LocalRate;
  prefix?: string;
}

/**
 * A token bucket per key shared by every instance: `perSecond` tokens a second, holding at most `burst`, kept in
 * Redis (one hash per key, gone once it would be full again). While Redis is away each instance applies the same
 * limit on its own.
 */
export class RedisRate {
  private readonly script: RedisScript;

  constructor(private readonly options: RedisRateOptions) {
    this.script = new RedisScript(options.client, TAKE);
  }

  /** Spends `count` of the key's tokens: 0 when it had them, else whole seconds to wait. */
  async take(key: string, count = 1): Promise<number> {
    const { name, perSecond, burst, fallback } = this.options;
    const bucket = `${this.options.prefix ?? 'jobstream:'}rate:${name}:{${key}}`;
    try {
      const args = [String(Date.now()), String(perSecond), String(burst), String(count)];
      return Number(await this.script.run([bucket], args));
    } catch {
      return fallback.take(key, count);
    }
  }
}
