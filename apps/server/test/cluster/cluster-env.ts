import type { AppRouter } from '@jobstream/api';
import { type RoundRobinProxy, startRoundRobinProxy } from '@jobstream/cluster';
import { type RedisServer, type RedisServerOptions, startRedisServer } from '@jobstream/redis/testing';
import { createSchema } from '@jobstream/storage/testing';
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { inject } from 'vitest';
import { WebSocket } from 'ws';
import { type TestClient, tempDir } from '../fixtures';
import { freePort, httpClient, type LoggedProcess, startLoggedProcess } from '../server-process';

/** One API instance of a test cluster: a real server process, its own port and `DATA_DIR`. */
export interface Instance {
  index: number;
  port: number;
  url: string;
  process: LoggedProcess | undefined;
  /** SIGKILLs the process (no shutdown: what a crash or an OOM kill does) and waits for it to exit. */
  kill(): Promise<void>;
  /** Starts the process again, on the same port and folder. */
  start(): Promise<void>;
}

/** Instances on one Redis and one PostgreSQL schema, behind a round-robin proxy without sticky sessions. */
export interface ClusterEnv extends AsyncDisposable {
  redis: RedisServer;
  proxy: RoundRobinProxy;
  instances: Instance[];
  /** A new session, created through the proxy, and its token. */
  session(): Promise<string>;
  /** A real `@trpc/client` over one WebSocket through the proxy, reconnecting after 50 ms. */
  client(token: string): TestClient;
  /** The instance a proxy port belongs to. */
  byPort(port: number): Instance;
}

/**
 * What the test cluster's instances share, and the bounds the tests lean on: a short lease, so that a killed
 * instance's job is taken over within seconds, renewed every second, so that a living instance a busy machine pauses
 * for less than two seconds keeps its job; paced imports, still running when a test acts.
 */
const CLUSTER_ENV = {
  IMPORT_LEASE_MS: '3000',
  PROGRESS_INTERVAL_MS: '20',
  IMPORT_ROWS_PER_SECOND: '500',
  LOG_LEVEL: 'info',
  SHUTDOWN_DRAIN_MS: '200',
};

/**
 * Starts `redis-server` (persistent or not), a schema in the run's PostgreSQL cluster, `count` API instances as
 * child processes, and a round-robin proxy in front of them. Disposing stops everything, however the test ended.
 */
export async function startCluster(
  options: { count?: number; env?: Record<string, string>; redis?: RedisServerOptions } = {},
): Promise<ClusterEnv> {
  const count = options.count ?? 3;
  const redis = await startRedisServer(options.redis);
  const schema = await createSchema(inject('postgresUrl'));
  const disposers: Array<() => PromiseLike<unknown>> = [() => schema.drop(), () => redis.stop()];
  const instances: Instance[] = [];
  try {
    for (let index = 0; index < count; index++) {
      const dir = await tempDir();
      disposers.unshift(() => dir[Symbol.asyncDispose]());
      const port = await freePort();
      const env = {
        ...CLUSTER_ENV,
        ...options.env,
        PORT: String(port),
        DATA_DIR: dir.path,
        REDIS_URL: redis.url,
        DATABASE_URL: schema.url,
      };
      const instance: Instance = {
        index,
        port,
        url: `http://127.0.0.1:${port}`,
        process: undefined,
        async kill() {
          const running = instance.process;
          if (!running || running.child.exitCode !== null || running.child.signalCode !== null) return;
          running.child.kill('SIGKILL');
          await running.exited;
        },
        async start() {
          instance.process = await startLoggedProcess(env);
        },
      };
      instances.push(instance);
      disposers.unshift(() => instance.kill());
      await instance.start();
    }
  } catch (error) {
    for (const dispose of disposers) await Promise.resolve(dispose()).catch(() => {});
    throw error;
  }
  const proxy = await startRoundRobinProxy(instances.map((instance) => instance.port));
  disposers.unshift(() => proxy.close());
  const clients: TestClient[] = [];
  disposers.unshift(async () => {
    for (const client of clients) await client[Symbol.asyncDispose]();
  });
  return {
    redis,
    proxy,
    instances,
    async session() {
      const { token } = await httpClient(proxy.url).session.create.mutate();
      return token;
    },
    client(token) {
      const ws = createWSClient({
        url: `${proxy.url.replace('http', 'ws')}/trpc`,
        connectionParams: { token },
        WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
        retryDelayMs: () => 50,
      });
      const trpc: TRPCClient<AppRouter> = createTRPCClient<AppRouter>({
        links: [wsLink({ client: ws, transformer: superjson })],
      });
      const client: TestClient = { trpc, ws, token, [Symbol.asyncDispose]: () => ws.close() };
      clients.push(client);
      return client;
    },
    byPort(port) {
      const found = instances.find((instance) => instance.port === port);
      if (!found) throw new Error(`no instance on port ${port}`);
      return found;
    },
    async [Symbol.asyncDispose]() {
      for (const dispose of disposers) await Promise.resolve(dispose()).catch(() => {});
    },
  };
}

/** POSTs a CSV straight to one instance, as a script whose upload landed there would; resolves with the job id. */
export async function uploadTo(instance: Instance, token: string, body: string): Promise<string> {
  const response = await fetch(`${instance.url}/uploads?template=users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body,
  });
  const answer = (await response.json()) as { jobId?: string; error?: string };
  if (response.status !== 201 || !answer.jobId) throw new Error(`upload: ${response.status} ${answer.error}`);
  return answer.jobId;
}

/** The sequence numbers of `<epoch>:<seq>` ids, in order. */
export function seqsOf(ids: readonly string[]): number[] {
  return ids.map((id) => Number(id.slice(id.indexOf(':') + 1)));
}

/** True when `seqs` runs up by one from its first. */
export function contiguous(seqs: readonly number[]): boolean {
  return seqs.every((seq, i) => i === 0 || seq === (seqs[i - 1] as number) + 1);
}
