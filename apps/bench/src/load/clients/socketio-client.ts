import { WebSocketEvents } from '@jobstream/contracts';
import { WebSocket } from 'ws';
import type { JobEvent } from '../../wire';
import { SUBSCRIBE_TIMEOUT_MS, type Subscribe, withTimeout } from './client';

/** Engine.IO v4 packet types and Socket.IO v5 packet types as they start a text frame. */
const ENGINE_PING = '2';
const ENGINE_PONG = '3';
const SOCKET_CONNECT = '40';
const SOCKET_EVENT = '42';
/** An ack of the join event, sent with ack id 0. */
const JOIN_ACK = '430';

/**
 * A minimal Socket.IO 4 subscriber speaking the wire protocol directly over `ws` (WebSocket transport only, the
 * default namespace): connect, emit the join event with an ack, then take `42["event", payload]` packets and
 * answer Engine.IO pings. Lighter than socket.io-client, so the load generator is not the bottleneck.
 */
export const subscribeSocketIo: Subscribe = ({ endpoint, jobId, onEvent, onError }) => {
  const url = `${endpoint.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
  const joined = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith(SOCKET_EVENT)) {
        const [event, payload] = JSON.parse(text.slice(2)) as [JobEvent['event'], JobEvent['payload']];
        onEvent({ event, payload } as JobEvent);
      } else if (text === ENGINE_PING) socket.send(ENGINE_PONG);
      else if (text.startsWith('0')) socket.send(SOCKET_CONNECT);
      else if (text.startsWith(SOCKET_CONNECT)) {
        socket.send(`${SOCKET_EVENT}0${JSON.stringify([WebSocketEvents.JOIN_UPLOAD_ROOM, jobId])}`);
      } else if (text.startsWith(JOIN_ACK)) resolve();
      else if (text.startsWith('44')) reject(new Error(`Socket.IO connect error: ${text}`));
    });
    socket.on('error', (error) => {
      onError(error.message);
      reject(error);
    });
  });
  return withTimeout(joined, SUBSCRIBE_TIMEOUT_MS, 'Socket.IO join').then(() => ({ close: () => socket.terminate() }));
};
