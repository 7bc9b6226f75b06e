import { randomUUID } from 'node:crypto';
import type { AppRouter } from '@jobstream/api';
import type { UploadProgress, UploadResult } from '@jobstream/contracts';
import type { ProgressEmitter } from '@jobstream/progress';
import { createTRPCClient, createWSClient, type TRPCClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import { type ApiServer, type ApiServerOptions, ConfigSchema, startApiServer } from '../src/index';

/** Starts the real server on a free port, quiet; disposed with `await using`. */
export async function startTestServer(
  env: Record<string, string> = {},
  options: Omit<ApiServerOptions, 'config'> = {},
): Promise<ApiServer> {
  const config = ConfigSchema.parse({ PORT: '0', LOG_LEVEL: 'silent', ...env });
  return startApiServer({ config, ...options });
}

/** A real tRPC WebSocket client of a test server. */
export interface TestClient extends AsyncDisposable {
  trpc: TRPCClient<AppRouter>;
  ws: ReturnType<typeof createWSClient>;
}

/** Connects a `@trpc/client` over WebSocket with superjson, as any script would. */
export function connectClient(server: ApiServer, options: { retryDelayMs?: () => number } = {}): TestClient {
  const ws = createWSClient({
    url: `${server.url.replace('http', 'ws')}/trpc`,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: options.retryDelayMs ?? (() => 20),
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] });
  return { trpc, ws, [Symbol.asyncDispose]: () => ws.close() };
}

/** What one subscription received. */
export interface Received {
  ids: string[];
  data: Array<{ event: string; payload: { progress?: number; status: string }; snapshot?: true; missed?: true }>;
  errors: unknown[];
  done: boolean;
  unsubscribe(): void;
}

/** Subscribes to a job's progress and records everything that arrives. */
export function follow(client: TestClient, jobId: string, lastEventId?: string): Received {
  const received: Received = { ids: [], data: [], errors: [], done: false, unsubscribe: () => {} };
  const sub = client.trpc.upload.onProgress.subscribe(
    { jobId, lastEventId },
    {
      onData: ({ id, data }) => {
        received.ids.push(id);
        received.data.push(data);
      },
      onError: (error) => received.errors.push(error),
      onComplete: () => {
        received.done = true;
      },
    },
  );
  received.unsubscribe = () => sub.unsubscribe();
  return received;
}

/** A progress payload for `jobId` at `progress` percent. */
export function progressOf(
  jobId: string,
  progress: number,
  status: 'started' | 'processing' = 'processing',
): UploadProgress {
  return {
    jobId,
    templateName: 'users',
    status,
    progress,
    message: `at ${progress}%`,
    processed: progress,
    total: 100,
  };
}

/** A completion payload for `jobId`. */
export function resultOf(jobId: string): UploadResult {
  return {
    jobId,
    templateName: 'users',
    status: 'completed',
    processed: 100,
    total: 100,
    inserted: 90,
    updated: 5,
    failed: 5,
    errors: ['Row 3: email: Invalid email address'],
    durationMs: 12,
  };
}

/** Starts a new job and returns its id. */
export function startJob(emitter: ProgressEmitter): string {
  const jobId = randomUUID();
  emitter.emitProgress(jobId, progressOf(jobId, 0, 'started'));
  return jobId;
}
