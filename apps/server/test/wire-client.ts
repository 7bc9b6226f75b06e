import type { AppRouter } from '@jobstream/api';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import type { ApiServer } from '../src/index';
import { sseClient, type TestClient, type Transport } from './fixtures';

/** Both transports, for `describe.each`: the semantic suite runs over each. */
export const TRANSPORTS: readonly Transport[] = ['ws', 'sse'];

/** A subscription request as the client put it on the wire. */
export interface SentSubscription {
  /** The connection that carried it: 1 for the first the client opened, and so on. */
  connection: number;
  path: string;
  /** The resume point it sent: `params.lastEventId` over WebSocket, `Last-Event-ID` or the input's over SSE. */
  lastEventId: string | undefined;
}

/** What an unmodified `@trpc/client` exchanged with the server, recorded at its WebSocket or its `fetch`. */
export interface WireLog {
  /** Connections opened: WebSockets, or SSE requests. */
  connections: number;
  /** Text frames received over WebSocket, in order. */
  received: string[];
  subscriptions: SentSubscription[];
}

/** A real tRPC client whose traffic is recorded. */
export interface WireClient extends TestClient {
  wire: WireLog;
}

/** Options of a recorded client. */
export interface WireClientOptions {
  transport: Transport;
  /** Session token; over WebSocket sent as `connectionParams.token`, over HTTP as `Authorization: Bearer`. */
  token: string;
  /**
   * How long the client waits before reconnecting: the WebSocket client's `retryDelayMs`, and over SSE the
   * EventSource's reconnection time, set as a server would with the standard `retry:` field (tRPC's SSE server
   * never sends one, which leaves EventSource's 3 s default).
   */
  retryDelayMs?: number;
}

interface WireMessage {
  method?: unknown;
  params?: { path?: unknown; lastEventId?: unknown };
}

function isWireMessage(value: unknown): value is WireMessage {
  return typeof value === 'object' && value !== null;
}

function recordSent(wire: WireLog, connection: number, data: unknown): void {
  if (typeof data !== 'string') return;
  let parsed: unknown;
  try {
    parsed = JSON.parse(data);
  } catch {
    return; // PONG
  }
  for (const message of Array.isArray(parsed) ? parsed : [parsed]) {
    if (!isWireMessage(message) || message.method !== 'subscription') continue;
    const { path, lastEventId } = message.params ?? {};
    wire.subscriptions.push({
      connection,
      path: String(path),
      lastEventId: typeof lastEventId === 'string' ? lastEventId : undefined,
    });
  }
}

/** `ws`'s WebSocket, recording every text frame in and every subscription out (tRPC passes only a URL). */
function recordingWebSocket(wire: WireLog) {
  return class RecordingWebSocket extends WebSocket {
    constructor(address: string | URL, protocols?: string | string[]) {
      super(address, protocols);
      const connection = ++wire.connections;
      this.on('message', (data, isBinary) => {
        if (!isBinary) wire.received.push(String(data));
      });
      const send = this.send.bind(this) as (...args: unknown[]) => void;
      this.send = ((...args: unknown[]) => {
        recordSent(wire, connection, args[0]);
        send(...args);
      }) as WebSocket['send'];
    }
  };
}

/** A `fetch` for EventSource: adds the bearer token, records the request, and sets the reconnection time. */
function recordingFetch(wire: WireLog, token: string, retryDelayMs: number): typeof fetch {
  const retry = new TextEncoder().encode(`retry: ${retryDelayMs}\n\n`);
  return async (input, init) => {
    const headers = new Headers(init?.headers);
    headers.set('authorization', `Bearer ${token}`);
    const url = new URL(String(input));
    const connection = ++wire.connections;
    const sent = JSON.parse(url.searchParams.get('input') ?? '{}') as { json?: { lastEventId?: unknown } };
    const fromInput = sent.json?.lastEventId;
    wire.subscriptions.push({
      connection,
      path: url.pathname.slice(url.pathname.lastIndexOf('/') + 1),
      lastEventId: headers.get('last-event-id') ?? (typeof fromInput === 'string' ? fromInput : undefined),
    });
    const response = await fetch(input, { ...init, headers });
    const body = response.body?.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        start(controller) {
          controller.enqueue(retry);
        },
      }),
    );
    return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
  };
}

/** Connects a real `@trpc/client` (superjson) to `url` over `transport`, recording what goes over the wire. */
export function connectWire(url: string, options: WireClientOptions): WireClient {
  const { transport, token, retryDelayMs = 50 } = options;
  const wire: WireLog = { connections: 0, received: [], subscriptions: [] };
  if (transport === 'sse') {
    const trpc = sseClient(url, { authorization: `Bearer ${token}` }, recordingFetch(wire, token, retryDelayMs));
    return { trpc, token, wire, [Symbol.asyncDispose]: async () => {} };
  }
  const ws = createWSClient({
    url: `${url.replace('http', 'ws')}/trpc`,
    WebSocket: recordingWebSocket(wire) as unknown as typeof globalThis.WebSocket,
    connectionParams: { token },
    retryDelayMs: () => retryDelayMs,
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client: ws, transformer: superjson })] });
  return { trpc, ws, token, wire, [Symbol.asyncDispose]: () => ws.close() };
}

/** A recorded client of a test server, with a new session unless a token is given. */
export async function connectTo(
  server: ApiServer,
  transport: Transport,
  options: Omit<WireClientOptions, 'transport' | 'token'> & { token?: string } = {},
): Promise<WireClient> {
  const token = options.token ?? (await server.services.sessions.create()).token;
  return connectWire(server.url, { ...options, transport, token });
}
