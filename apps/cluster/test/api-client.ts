import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, createWSClient, httpLink, splitLink, type TRPCClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';

/** A script's `@trpc/client` of the cluster: subscriptions over a WebSocket, the rest over HTTP, with a token. */
export interface ApiClient extends AsyncDisposable {
  trpc: TRPCClient<AppRouter>;
  token: string;
}

/** A new session's token, from `session.create` over HTTP. */
export async function createSession(url: string): Promise<string> {
  const trpc = createTRPCClient<AppRouter>({ links: [httpLink({ url: `${url}/trpc`, transformer: superjson })] });
  return (await trpc.session.create.mutate()).token;
}

/** Connects to `url` (the load balancer) as any script would; the WebSocket reconnects by itself, quickly. */
export function connect(url: string, token: string): ApiClient {
  const ws = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    connectionParams: { token },
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    retryDelayMs: () => 50,
  });
  const trpc = createTRPCClient<AppRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === 'subscription',
        true: wsLink({ client: ws, transformer: superjson }),
        false: httpLink({ url: `${url}/trpc`, transformer: superjson, headers: { authorization: `Bearer ${token}` } }),
      }),
    ],
  });
  return { trpc, token, [Symbol.asyncDispose]: () => ws.close() };
}

/** What one subscription received. */
export interface Followed {
  events: Array<{ id: string; event: string; payload: { status: string; message?: string } }>;
  errors: unknown[];
  /** The terminal event, once received. */
  end: { event: string; payload: { status: string; message?: string } } | undefined;
  unsubscribe(): void;
}

/** Follows a job's progress, recording every event. */
export function follow(client: ApiClient, jobId: string): Followed {
  const followed: Followed = { events: [], errors: [], end: undefined, unsubscribe: () => {} };
  const subscription = client.trpc.upload.onProgress.subscribe(
    { jobId },
    {
      onData: ({ id, data }) => {
        followed.events.push({ id, event: data.event, payload: data.payload });
        if (data.event !== 'upload-progress') followed.end = data;
      },
      onError: (error) => followed.errors.push(error),
    },
  );
  followed.unsubscribe = () => subscription.unsubscribe();
  return followed;
}

/** POSTs a CSV to `/uploads` with the session's token; resolves with the job id (throws on any other answer). */
export async function upload(url: string, token: string, csv: string): Promise<string> {
  const response = await fetch(`${url}/uploads?template=users`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' },
    body: csv,
  });
  const body = (await response.json()) as { jobId?: string; error?: string };
  if (response.status !== 201 || !body.jobId) throw new Error(`upload answered ${response.status}: ${body.error}`);
  return body.jobId;
}

/** A users CSV with `rows` valid rows. */
export function usersCsv(rows: number): string {
  const lines = ['email,name,role'];
  for (let i = 0; i < rows; i++) lines.push(`user${i}@example.com,User ${i},member`);
  return `${lines.join('\n')}\n`;
}

/** `metric`'s value in an instance's `/metrics` (Prometheus text). */
export async function metric(instanceUrl: string, name: string): Promise<number> {
  const text = await (await fetch(`${instanceUrl}/metrics`)).text();
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `));
  if (!line) throw new Error(`no ${name} in ${instanceUrl}/metrics`);
  return Number(line.split(' ')[1]);
}
