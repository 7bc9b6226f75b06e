import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ApiInstance } from './api-instance';
import { assertInstalled, type BackingServices, startBackingServices } from './backing-services';
import { describeExit, type ExitStatus } from './child';
import type { ClusterConfig } from './cluster-config';
import { assertPortFree, freePort } from './ports';
import { type RoundRobinProxy, startRoundRobinProxy } from './round-robin-proxy';
import { startWebApp, type WebApp } from './web-app';

/** What `pnpm build` (and `pnpm cluster`, which builds them first) leaves for this command to run. */
const BUILDS = {
  server: fileURLToPath(new URL('../../server/dist/main.mjs', import.meta.url)),
  web: fileURLToPath(new URL('../../web/dist/server.mjs', import.meta.url)),
  pages: fileURLToPath(new URL('../../web/.next/BUILD_ID', import.meta.url)),
};

/** A running local cluster. */
export interface LocalCluster {
  instances: readonly ApiInstance[];
  proxy: RoundRobinProxy;
  web: WebApp;
  backing: BackingServices;
  /** The temporary folder of the instances' `DATA_DIR`s, removed by `stop`. */
  folder: string;
  /** What runs where, a line each. */
  describe(): string[];
  /** Stops the web app, the load balancer, every instance, then PostgreSQL and Redis, and removes the folders. Idempotent. */
  stop(): Promise<void>;
}

function assertBuilt(): void {
  if (!existsSync(BUILDS.server)) {
    throw new Error(
      'no build of the API server (apps/server/dist/main.mjs): run `pnpm cluster` (it builds first) or `pnpm build`',
    );
  }
  if (!existsSync(BUILDS.web) || !existsSync(BUILDS.pages)) {
    throw new Error(
      'no build of the web app (apps/web/dist, apps/web/.next): run `pnpm cluster` (it builds first) or `pnpm build`',
    );
  }
}

/**
 * Starts PostgreSQL and Redis (or uses the given ones), `config.instances` API instances on free ports, each with a
 * temporary `DATA_DIR`, the shared `DATABASE_URL` and `REDIS_URL`, and `TRUST_PROXY=loopback`; then the round-robin
 * load balancer on `CLUSTER_PORT` and the web app on `WEB_PORT` with `API_URL` pointing at the balancer. Every other
 * variable of `env` reaches the instances (and the web app) as it is, so any API server setting applies to all.
 * If anything fails to start, what did start is stopped before the error is thrown.
 */
export async function startLocalCluster(
  config: ClusterConfig,
  options: {
    env: Record<string, string | undefined>;
    print: (line: string) => void;
    /** Aborting it (a signal during start-up) stops what has started and rejects. */
    signal?: AbortSignal;
  },
): Promise<LocalCluster> {
  const { env, print, signal } = options;
  assertBuilt();
  assertInstalled(config);
  await assertPortFree(config.clusterPort, 'CLUSTER_PORT');
  await assertPortFree(config.webPort, 'WEB_PORT');
  const webPort = config.webPort || (await freePort());
  const folder = await mkdtemp(join(tmpdir(), 'jobstream-cluster-'));
  const started: { backing?: BackingServices; instances: ApiInstance[]; proxy?: RoundRobinProxy; web?: WebApp } = {
    instances: [],
  };
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await started.web?.stop().catch(() => {});
      await started.proxy?.close().catch(() => {});
      await Promise.allSettled(started.instances.map((instance) => instance.stop()));
      await started.backing?.stop().catch(() => {});
      await rm(folder, { recursive: true, force: true });
    })();
    return stopping;
  };

  // Once stopping, the processes' output is no longer shown: a Ctrl-C reaches every process of the terminal at once,
  // so PostgreSQL and Redis may go before the instances, whose complaints about it say nothing new.
  const show = (line: string) => {
    if (!stopping) print(line);
  };
  try {
    started.backing = await startBackingServices(config);
    signal?.throwIfAborted();
    const { databaseUrl, redisUrl } = started.backing;
    const instanceEnv = {
      ...env,
      HOST: '127.0.0.1',
      DATABASE_URL: databaseUrl,
      REDIS_URL: redisUrl,
      TRUST_PROXY: env.TRUST_PROXY || 'loopback',
      ALLOWED_ORIGINS: env.ALLOWED_ORIGINS || `http://localhost:${webPort},http://127.0.0.1:${webPort}`,
      LOG_LEVEL: config.logLevel,
      // One port cannot serve every instance's metrics: each serves /metrics on its own port.
      METRICS_PORT: undefined,
    };
    const settings = {
      script: BUILDS.server,
      env: instanceEnv,
      print: show,
      onExit: (instance: ApiInstance, status: ExitStatus, pid: number) => {
        if (stopping) return;
        const { n, port } = instance;
        print(
          `instance ${n} (pid ${pid}) exited (${describeExit(status)}); \`start ${n}\` starts it again on port ${port}`,
        );
      },
    };
    for (let n = 1; n <= config.instances; n++) {
      started.instances.push(new ApiInstance(n, await freePort(), join(folder, `instance-${n}`), settings));
    }
    // Every start is waited for, so that none is still coming up when a failure stops the others.
    const starts = await Promise.allSettled(started.instances.map((instance) => instance.start(signal)));
    const failed = starts.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
    started.proxy = await startRoundRobinProxy(
      started.instances.map((instance) => instance.port),
      config.clusterPort,
    );
    started.web = await startWebApp({
      script: BUILDS.web,
      port: webPort,
      apiUrl: started.proxy.url,
      env: { ...env, LOG_LEVEL: config.logLevel },
      print: show,
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const { backing, instances, proxy, web } = started as Required<typeof started>;
  return {
    instances,
    proxy,
    web,
    backing,
    folder,
    describe: () => describeCluster({ backing, instances, proxy, web, folder }),
    stop,
  };
}

function describeCluster(cluster: Omit<LocalCluster, 'describe' | 'stop'>): string[] {
  const { backing, instances, proxy, web, folder } = cluster;
  const service = (name: string, s: BackingServices['postgres'], started: string) =>
    `  ${name.padEnd(16)}${s.shown}${s.pid === undefined ? '  (given)' : `  pid ${s.pid}  (${started})`}`;
  return [
    `  ${'web app'.padEnd(16)}${web.url}  pid ${web.pid}  (API_URL=${proxy.url})`,
    `  ${'load balancer'.padEnd(16)}${proxy.url}  (round robin over the instances, no sticky sessions)`,
    ...instances.map(
      (instance) =>
        `  ${`instance ${instance.n}`.padEnd(16)}${instance.url}  ${instance.running ? `pid ${instance.pid}` : 'not running'}  DATA_DIR ${instance.dataDir}`,
    ),
    service('PostgreSQL', backing.postgres, `throwaway, data in ${backing.postgres.folder}`),
    service('Redis', backing.redis, 'throwaway, no persistence'),
    `  ${'temporary'.padEnd(16)}${folder}`,
  ];
}
