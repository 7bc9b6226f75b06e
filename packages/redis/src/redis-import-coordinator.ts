import { randomUUID } from 'node:crypto';
import {
  CoordinatorUnavailableError,
  type ImportCoordinator,
  type ImportLease,
  type ImportSlot,
} from '@jobstream/importer';
import { ErrorReply } from '@redis/client';
import type { RedisConnection } from './redis-connection';
import { RedisScript } from './redis-script';

/** Options of the Redis coordinator. */
export interface RedisCoordinatorOptions {
  /** Commands. */
  client: RedisConnection;
  /** Pub/sub: where this instance hears cancels of its imports. */
  subscriber: RedisConnection;
  /**
   * How long a claim (a running import's, an owner's slot) outlives its last renewal, in ms; claims are renewed
   * every third of it (`IMPORT_LEASE_MS`).
   */
  leaseMs: number;
  /** Prefix of every key and channel (default `jobstream:`). */
  prefix?: string;
  /** This instance's name in claims (default: a new random one). */
  instanceId?: string;
  /** Called when a renewal round fails (Redis away); claims are renewed again at the next round. */
  onError?: (error: unknown) => void;
}

/** Takes a slot if fewer than `max` unexpired ones are held. KEYS: slots. ARGV: now, max, slot, expires at, ttl. */
const RESERVE = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[4], ARGV[3])
redis.call('PEXPIRE', KEYS[1], ARGV[5])
return 1
`;

/** Renews (or re-creates, after Redis lost it) a claim this instance holds; 0 when another holder took it. KEYS: lease. ARGV: me, ttl. */
const RENEW_LEASE = `
local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
`;

/** Gives a claim up if this instance still holds it. KEYS: lease. ARGV: me. */
const RELEASE_LEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end
return 1
`;

/** How long a taken-over job's claim stays with its taker, in leases: long enough for its old instance to notice. */
const TAKEN_OVER_LEASES = 10;

/**
 * Coordinates imports across instances through Redis: an owner's slots are a sorted set of claims that expire
 * unless renewed; a running import's claim is a key holding its instance's id, renewed every third of the lease;
 * a cancel is published on the channel of the instance that holds the job's claim. A job whose claim is missing on
 * two looks a lease apart (a living instance renews three times a lease, re-creating a claim Redis lost) is taken
 * over by one caller of `claimLapsed`, whose `SET NX` also tells a still-living old holder it lost the job.
 */
export class RedisImportCoordinator implements ImportCoordinator {
  readonly instanceId: string;
  private readonly client: RedisConnection;
  private readonly subscriber: RedisConnection;
  private readonly prefix: string;
  private readonly leaseMs: number;
  private readonly reserveScript: RedisScript;
  private readonly renewScript: RedisScript;
  private readonly releaseScript: RedisScript;
  private readonly leases = new Map<string, () => void>();
  private readonly slots = new Map<string, { key: string; id: string }>();
  /** When each job's claim was first seen missing, for `claimLapsed`. */
  private readonly missingSince = new Map<string, number>();
  private cancelHandler: (jobId: string) => void = () => {};
  private readonly timer: NodeJS.Timeout;
  private readonly listener = (jobId: string) => this.cancelHandler(jobId);

  private constructor(private readonly options: RedisCoordinatorOptions) {
    this.client = options.client;
    this.subscriber = options.subscriber;
    this.prefix = options.prefix ?? 'jobstream:';
    this.leaseMs = options.leaseMs;
    this.instanceId = options.instanceId ?? randomUUID();
    this.reserveScript = new RedisScript(options.client, RESERVE);
    this.renewScript = new RedisScript(options.client, RENEW_LEASE);
    this.releaseScript = new RedisScript(options.client, RELEASE_LEASE);
    this.timer = setInterval(() => void this.renew(), Math.max(1, Math.floor(this.leaseMs / 3)));
    this.timer.unref();
  }

  /** A coordinator listening for cancels of this instance's imports. */
  static async create(options: RedisCoordinatorOptions): Promise<RedisImportCoordinator> {
    const coordinator = new RedisImportCoordinator(options);
    await coordinator.subscriber.subscribe(coordinator.cancelChannel(coordinator.instanceId), coordinator.listener);
    return coordinator;
  }

  async reserve(owner: string, max: number): Promise<ImportSlot | undefined> {
    const key = `${this.prefix}slots:{${owner}}`;
    const id = randomUUID();
    const now = Date.now();
    const args = [String(now), String(max), id, String(now + this.leaseMs), String(this.leaseMs)];
    if ((await this.reserveScript.run([key], args).catch(unavailable)) !== 1) return undefined;
    this.slots.set(id, { key, id });
    return {
      release: () => {
        if (!this.slots.delete(id)) return;
        // A slot whose release fails expires with its lease.
        void this.client.zRem(key, id).catch(() => {});
      },
    };
  }

  async lease(jobId: string, onLost: () => void): Promise<ImportLease> {
    const key = this.leaseKey(jobId);
    if ((await this.renewScript.run([key], [this.instanceId, String(this.leaseMs)]).catch(unavailable)) !== 1) {
      throw new Error(`job ${jobId} is claimed by another instance`);
    }
    this.leases.set(jobId, onLost);
    return {
      release: async () => {
        if (!this.leases.delete(jobId)) return;
        // A claim whose release fails lapses: its job has ended, so no instance takes it over.
        await this.releaseScript.run([key], [this.instanceId]).catch(() => {});
      },
    };
  }

  async requestCancel(jobId: string): Promise<boolean> {
    const holder = await this.client.get(this.leaseKey(jobId)).catch(unavailable);
    if (!holder || holder === this.instanceId || holder.startsWith('taken-over:')) return false;
    return (await this.client.publish(this.cancelChannel(holder), jobId).catch(unavailable)) > 0;
  }

  onCancelRequest(handler: (jobId: string) => void): void {
    this.cancelHandler = handler;
  }

  async claimLapsed(jobIds: readonly string[]): Promise<string[]> {
    const now = Date.now();
    const holders = await Promise.all(jobIds.map((jobId) => this.client.get(this.leaseKey(jobId)))).catch(unavailable);
    const asked = new Set(jobIds);
    for (const jobId of this.missingSince.keys()) if (!asked.has(jobId)) this.missingSince.delete(jobId);
    const claimed: string[] = [];
    for (const [i, jobId] of jobIds.entries()) {
      if (holders[i] !== null) {
        this.missingSince.delete(jobId);
        continue;
      }
      const since = this.missingSince.get(jobId);
      if (since === undefined) {
        this.missingSince.set(jobId, now);
        continue;
      }
      if (now - since < this.leaseMs) continue;
      const taken = await this.client.set(this.leaseKey(jobId), `taken-over:${this.instanceId}`, {
        condition: 'NX',
        expiration: { type: 'PX', value: this.leaseMs * TAKEN_OVER_LEASES },
      });
      this.missingSince.delete(jobId);
      if (taken === 'OK') claimed.push(jobId);
    }
    return claimed;
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    await this.subscriber.unsubscribe(this.cancelChannel(this.instanceId), this.listener).catch(() => {});
  }

  /** Claims this instance holds: imports running here, and the slots of their owners. */
  get held(): { leases: number; slots: number } {
    return { leases: this.leases.size, slots: this.slots.size };
  }

  private async renew(): Promise<void> {
    const ttl = String(this.leaseMs);
    try {
      await Promise.all([
        ...[...this.leases].map(async ([jobId, onLost]) => {
          if ((await this.renewScript.run([this.leaseKey(jobId)], [this.instanceId, ttl])) === 1) return;
          this.leases.delete(jobId);
          onLost();
        }),
        ...[...this.slots.values()].map(({ key, id }) =>
          this.client
            .multi()
            .zAdd(key, { score: Date.now() + this.leaseMs, value: id })
            .pExpire(key, this.leaseMs)
            .exec(),
        ),
      ]);
    } catch (error) {
      this.options.onError?.(error);
    }
  }

  private leaseKey(jobId: string): string {
    return `${this.prefix}lease:{${jobId}}`;
  }

  private cancelChannel(instanceId: string): string {
    return `${this.prefix}instance:${instanceId}:cancel`;
  }
}

/** Rethrows a failed Redis call as the coordinator's: Redis answering with an error passes unchanged (a bug). */
function unavailable(error: unknown): never {
  if (error instanceof ErrorReply) throw error;
  const reason = error instanceof Error ? error.message : String(error);
  throw new CoordinatorUnavailableError(`Import coordination (Redis) is unavailable: ${reason}`, { cause: error });
}
