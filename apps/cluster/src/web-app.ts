import { type Child, describeExit, spawnNode, stopChild } from './child';
import { answers, waitUntil } from './wait-until';

/** Longest wait for the web app to serve the API through the load balancer after its start. */
const READY_TIMEOUT_MS = 60_000;
/** How long the web app may drain (its SHUTDOWN_DRAIN_MS is 5 s by default) before it is killed. */
const STOP_GRACE_MS = 15_000;

/** The web app's server process (`apps/web/dist/server.mjs`, as its `pnpm start` runs it). */
export interface WebApp {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

/**
 * Starts the built web app on 127.0.0.1:`port` with `API_URL` set to `apiUrl`, and resolves once it serves
 * `upload.templates` from there: the page, its proxy and an instance behind the load balancer all answer.
 */
export async function startWebApp(options: {
  script: string;
  port: number;
  apiUrl: string;
  env: Record<string, string | undefined>;
  print: (line: string) => void;
  signal?: AbortSignal;
}): Promise<WebApp> {
  const env = { ...options.env, NODE_ENV: 'production', HOST: '127.0.0.1', WEB_PORT: String(options.port) };
  const child: Child = spawnNode({
    name: 'web',
    script: options.script,
    env: { ...env, API_URL: options.apiUrl },
    print: options.print,
  });
  const url = `http://127.0.0.1:${options.port}`;
  try {
    await waitUntil({
      what: 'the web app serving the API',
      check: () => answers(`${url}/trpc/upload.templates`, 200),
      stopped: () =>
        child.running ? undefined : `the web app exited before it was ready: ${child.tail() || 'no output'}`,
      signal: options.signal,
      timeoutMs: READY_TIMEOUT_MS,
    });
  } catch (error) {
    await stopChild(child, STOP_GRACE_MS);
    throw error;
  }
  let stopping = false;
  void child.exited.then((status) => {
    if (!stopping) options.print(`web app (pid ${child.pid}) exited (${describeExit(status)})`);
  });
  return {
    url,
    pid: child.pid,
    stop: () => {
      stopping = true;
      return stopChild(child, STOP_GRACE_MS);
    },
  };
}
