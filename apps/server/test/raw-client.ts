import { WebSocket } from 'ws';

/** A message the server sends for a subscription, as tRPC's wire protocol has it. */
export interface WireResult {
  id: number;
  result?: {
    type: 'started' | 'data' | 'stopped';
    data?: { json: { id: string; data: { event: string; payload: Record<string, unknown> } } };
  };
  error?: { json: { message: string; data: { code: string } } };
}

/** A bare WebSocket speaking tRPC's protocol, for tests that must control reading (pause) or send hostile frames. */
export interface RawClient extends AsyncDisposable {
  socket: WebSocket;
  received: WireResult[];
  /** Starts `upload.onProgress` for a job under request id `id`. */
  subscribe(id: number, jobId: string): void;
}

/** Opens a raw WebSocket to the server's `/trpc`, authenticated by a bearer token. */
export async function openRawClient(
  url: string,
  token: string,
  headers: Record<string, string> = {},
): Promise<RawClient> {
  const socket = new WebSocket(`${url.replace('http', 'ws')}/trpc`, {
    headers: { authorization: `Bearer ${token}`, ...headers },
  });
  const received: WireResult[] = [];
  socket.on('message', (data) => {
    const text = String(data);
    if (text !== 'PONG' && text !== 'PING') received.push(JSON.parse(text) as WireResult);
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  return {
    socket,
    received,
    subscribe(id, jobId) {
      socket.send(
        JSON.stringify({
          id,
          method: 'subscription',
          params: { path: 'upload.onProgress', input: { json: { jobId } } },
        }),
      );
    },
    [Symbol.asyncDispose]: async () => {
      if (socket.readyState === socket.CLOSED) return;
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.terminate();
      await closed;
    },
  };
}
