import superjson, { type SuperJSONResult } from 'superjson';
import { WebSocket } from 'ws';
import type { JobEvent } from '../../wire';
import { SUBSCRIBE_TIMEOUT_MS, type Subscribe, withTimeout } from './client';

/** The server messages of tRPC's WebSocket protocol that a subscriber sees. */
type TrpcMessage =
  | { id: number; result: { type: 'started' | 'stopped' } }
  | { id: number; result: { type: 'data'; id?: string; data: SuperJSONResult } }
  | { id: number | null; error: unknown }
  | { id: null; method: 'reconnect' };

const SUBSCRIPTION_ID = 1;

function decode(data: SuperJSONResult): unknown {
  return data.meta ? superjson.deserialize(data) : data.json;
}

/**
 * A minimal tRPC v11 WebSocket subscriber speaking the wire protocol directly (as `wsLink` does): optional
 * `connectionParams` first, then `{ id, method: 'subscription', params: { path, input } }` with a superjson input;
 * answers keep-alive `PING`s and ignores reconnect notices. Tracked events (`result.id`) are unwrapped from `{ id, data }`.
 */
export const subscribeTrpc: Subscribe = ({ endpoint, jobId, onEvent, onError }) => {
  const params = endpoint.connectionParams;
  const socket = new WebSocket(params ? `${endpoint.url}?connectionParams=1` : endpoint.url, {
    perMessageDeflate: false,
    skipUTF8Validation: true,
  });
  const started = new Promise<void>((resolve, reject) => {
    socket.on('open', () => {
      if (params) socket.send(JSON.stringify({ method: 'connectionParams', data: params }));
      const input = superjson.serialize({ jobId });
      socket.send(
        JSON.stringify({ id: SUBSCRIPTION_ID, method: 'subscription', params: { path: 'upload.onProgress', input } }),
      );
    });
    socket.on('message', (raw) => {
      const text = String(raw);
      if (text === 'PING') return socket.send('PONG');
      const message = JSON.parse(text) as TrpcMessage;
      if ('error' in message) {
        const detail = JSON.stringify(message.error).slice(0, 300);
        onError(detail);
        return reject(new Error(detail));
      }
      if (!('result' in message)) return;
      if (message.result.type === 'started') return resolve();
      if (message.result.type !== 'data') return;
      const value = decode(message.result.data);
      onEvent((message.result.id === undefined ? value : (value as { data: unknown }).data) as JobEvent);
    });
    socket.on('error', (error) => {
      onError(error.message);
      reject(error);
    });
  });
  return withTimeout(started, SUBSCRIBE_TIMEOUT_MS, 'tRPC subscription').then(() => ({
    close: () => socket.terminate(),
  }));
};
