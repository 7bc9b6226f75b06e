import { randomBytes } from 'node:crypto';
import { connectRedis, type RedisConnection } from '@jobstream/redis';
import { type RedisServer, startRedisServer } from '@jobstream/redis/testing';
import { createSchema, type PostgresCluster, startPostgresCluster } from '@jobstream/storage/testing';
import type { ClusterDeployment } from '../protocol';
import { stopOnSignal } from '../stop-on-signal';

/** Redis's memory for one job: its keys (the stream of its newest events and the meta hash beside it). */
export interface JobMemory {
  /** `MEMORY USAGE` of every key of the job, summed, bytes. */
  bytes: number;
  /** Of them, the stream's. */
  streamBytes: number;
  /** Entries in the stream (`XLEN`). */
  streamEntries: number;
}

/** A deployment of the backends for one cluster run; disposing it drops its schema and deletes its keys. */
export interface Deployment extends ClusterDeployment, AsyncDisposable {}

/**
 * The redis-server and PostgreSQL of the cluster runs (`startRedisServer` and `startPostgresCluster`: throwaway, free
 * loopback ports, no persistence), started once per bench, with a Redis connection of the bench's own to measure
 * Redis. Each run gets a fresh key prefix and a fresh schema. Disposing it, or SIGINT or SIGTERM before that, stops
 * both servers and removes PostgreSQL's folder.
 */
export class ClusterBackends implements AsyncDisposable {
  private stopping: Promise<void> | undefined;
  private readonly signals: Disposable;

  private constructor(
    private readonly redis: RedisServer,
    private readonly postgres: PostgresCluster,
    private readonly client: RedisConnection,
  ) {
    this.signals = stopOnSignal(() => this.stop());
  }

  /** Starts both servers at once; rejects with why not (a package not installed, say), leaving neither running. */
  static async start(): Promise<ClusterBackends> {
    const [redis, postgres] = await Promise.allSettled([startRedisServer(), startPostgresCluster()]);
    if (redis.status === 'fulfilled' && postgres.status === 'fulfilled') {
      const client = await connectRedis({ url: redis.value.url, name: 'jobstream-bench' }).catch(async (error) => {
        await Promise.allSettled([redis.value.stop(), postgres.value.stop()]);
        throw error;
      });
      return new ClusterBackends(redis.value, postgres.value, client);
    }
    await Promise.allSettled([
      redis.status === 'fulfilled' ? redis.value.stop() : undefined,
      postgres.status === 'fulfilled' ? postgres.value.stop() : undefined,
    ]);
    const reasons = [redis, postgres].flatMap((r) =>
      r.status === 'rejected' ? [String(r.reason?.message ?? r.reason)] : [],
    );
    throw new Error(reasons.join('; '));
  }

  /** The redis-server's and PostgreSQL's process ids and PostgreSQL's folder, to check they are gone. */
  get processes(): { redisPid: number | undefined; postgresPid: number | undefined; postgresFolder: string } {
    return {
      redisPid: this.redis.process.pid,
      postgresPid: this.postgres.process.pid,
      postgresFolder: this.postgres.folder,
    };
  }

  /** True once the backends are stopping or stopped (disposed, or a signal came): they take no more runs. */
  get stopped(): boolean {
    return this.stopping !== undefined;
  }

  /** A fresh schema and key prefix for one run. */
  async deploy(): Promise<Deployment> {
    if (this.stopped) throw new Error('the cluster backends are stopping');
    const schema = await createSchema(this.postgres.url);
    const redisPrefix = `bench-${randomBytes(4).toString('hex')}:`;
    return {
      redisUrl: this.redis.url,
      databaseUrl: schema.url,
      redisPrefix,
      [Symbol.asyncDispose]: async () => {
        // What cannot be removed (the backends are stopping, say) goes with the servers at the end.
        await Promise.allSettled([schema.drop(), this.deleteKeys(`${redisPrefix}*`)]);
      },
    };
  }

  /** Redis's memory for one job of the deployment with key prefix `redisPrefix`. */
  async jobMemory(redisPrefix: string, jobId: string): Promise<JobMemory> {
    // A job's keys carry its id as their hash tag (`{<jobId>}`), which is all this needs to know of their names.
    const keys = await this.keys(`${redisPrefix}*{${jobId}}*`);
    let bytes = 0;
    let streamBytes = 0;
    let streamEntries = 0;
    for (const key of keys) {
      const used = Number(await this.client.sendCommand(['MEMORY', 'USAGE', key, 'SAMPLES', '0']));
      bytes += used;
      if ((await this.client.type(key)) !== 'stream') continue;
      streamBytes += used;
      streamEntries += await this.client.xLen(key);
    }
    return { bytes, streamBytes, streamEntries };
  }

  /** CPU time redis-server has used since it started (`INFO cpu`: user + system, all its threads), µs. */
  async redisCpuMicros(): Promise<number> {
    const info = await this.client.info('cpu');
    const seconds = (name: string) => Number(info.match(new RegExp(`^${name}:([\\d.]+)`, 'm'))?.[1] ?? Number.NaN);
    return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1e6;
  }

  private async keys(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of this.client.scanIterator({ MATCH: pattern, COUNT: 1000 })) keys.push(...batch);
    return keys;
  }

  private async deleteKeys(pattern: string): Promise<void> {
    const keys = await this.keys(pattern);
    for (let i = 0; i < keys.length; i += 1000) await this.client.unlink(keys.slice(i, i + 1000));
  }

  private stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.client.close().catch(() => {});
      await Promise.allSettled([this.redis.stop(), this.postgres.stop()]);
    })();
    return this.stopping;
  }

  /** Stops both servers; a signal that comes meanwhile waits for that stop, then ends the process. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop();
    this.signals[Symbol.dispose]();
  }
}
