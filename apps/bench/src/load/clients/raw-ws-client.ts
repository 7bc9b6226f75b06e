import { WebSocket } from 'ws';
import { RAW_JOINED, type RawJoinMessage } from '../../servers/raw-ws';
import type { JobEvent } from '../../wire';
import { SUBSCRIBE_TIMEOUT_MS, type Subscribe, withTimeout } from './client';

/** Joins a job's room on the raw-ws server. */
export const subscribeRawWs: Subscribe = ({ endpoint, jobId, onEvent, onError }) => {
  const socket = new WebSocket(endpoint.url, { perMessageDeflate: false, skipUTF8Validation: true });
  const joined = new Promise<void>((resolve, reject) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'join', jobId } satisfies RawJoinMessage)));
    socket.on('message', (data) => {
      const text = String(data);
      if (text === RAW_JOINED) resolve();
      else onEvent(JSON.parse(text) as JobEvent);
    });
    socket.on('error', (error) => {
      onError(error.message);
      reject(error);
    });
  });
  return withTimeout(joined, SUBSCRIBE_TIMEOUT_MS, 'raw ws join').then(() => ({ close: () => socket.terminate() }));
};
