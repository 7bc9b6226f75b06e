import type { AppRouter } from '@jobstream/api';
import {
  type JobStreamEvent,
  UPLOAD_GATEWAY_NAMESPACE,
  type UploadProgress,
  type UploadResult,
  WebSocketEvents,
} from '@jobstream/contracts';
import { createTRPCClient, createWSClient, wsLink } from '@trpc/client';
import { io } from 'socket.io-client';
import superjson from 'superjson';
import { WebSocket } from 'ws';
import type { Endpoint } from '../src/protocol';

/** Events an official client received, and how to close it. */
export interface Followed {
  events: JobStreamEvent[];
  /** Resolves once the server confirmed the subscription. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/** Follows a job with socket.io-client, as the old gateway's browsers did (the endpoint's `connectionParams` as `auth`). */
export function followWithSocketIoClient(endpoint: Endpoint, jobId: string): Followed {
  const socket = io(`${endpoint.url}${UPLOAD_GATEWAY_NAMESPACE}`, {
    transports: ['websocket'],
    forceNew: true,
    reconnection: false,
    ...(endpoint.connectionParams ? { auth: endpoint.connectionParams } : {}),
  });
  const events: JobStreamEvent[] = [];
  socket.on(WebSocketEvents.UPLOAD_PROGRESS, (payload: UploadProgress) =>
    events.push({ event: WebSocketEvents.UPLOAD_PROGRESS, payload }),
  );
  socket.on(WebSocketEvents.UPLOAD_COMPLETED, (payload: UploadResult) =>
    events.push({ event: WebSocketEvents.UPLOAD_COMPLETED, payload }),
  );
  const ready = new Promise<void>((resolve) =>
    socket.on('connect', () => socket.emit(WebSocketEvents.JOIN_UPLOAD_ROOM, { jobId }, () => resolve())),
  );
  return { events, ready, close: async () => void socket.disconnect() };
}

/** Follows a job with @trpc/client's wsLink and superjson, sending `connectionParams` when the endpoint has them. */
export function followWithTrpcClient(endpoint: Endpoint, jobId: string): Followed {
  const client = createWSClient({
    url: endpoint.url,
    WebSocket: WebSocket as unknown as typeof globalThis.WebSocket,
    ...(endpoint.connectionParams ? { connectionParams: endpoint.connectionParams } : {}),
  });
  const trpc = createTRPCClient<AppRouter>({ links: [wsLink({ client, transformer: superjson })] });
  const events: JobStreamEvent[] = [];
  const ready = new Promise<void>((resolve) => {
    trpc.upload.onProgress.subscribe(
      { jobId },
      {
        onStarted: () => resolve(),
        onData: (value: unknown) => {
          const tracked = value as { id?: string; data?: JobStreamEvent };
          events.push(tracked.id !== undefined && tracked.data ? tracked.data : (value as JobStreamEvent));
        },
      },
    );
  });
  return { events, ready, close: () => client.close() };
}
