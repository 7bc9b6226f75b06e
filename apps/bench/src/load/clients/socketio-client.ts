import { UPLOAD_GATEWAY_NAMESPACE, type UploadRoomInput, WebSocketEvents } from '@jobstream/contracts';
import { WebSocket } from 'ws';
import type { JobEvent } from '../../wire';
import { SUBSCRIBE_TIMEOUT_MS, type Subscribe, withTimeout } from './client';

/** Engine.IO v4 packet types as they start a text frame. */
const ENGINE_OPEN = '0';
const ENGINE_PING = '2';
const ENGINE_PONG = '3';
/** Socket.IO v5 packets of the gateway's namespace as they start a text frame (Engine.IO message `4` first). */
const SOCKET_CONNECT = `40${UPLOAD_GATEWAY_NAMESPACE},`;
const SOCKET_CONNECT_ERROR = `44${UPLOAD_GATEWAY_NAMESPACE},`;
const SOCKET_EVENT = `42${UPLOAD_GATEWAY_NAMESPACE},`;
/** An ack of the join event, sent with ack id 0. */
const JOIN_ACK = `43${UPLOAD_GATEWAY_NAMESPACE},0`;

/**
 * A minimal Socket.IO 4 subscriber of the gateway's namespace speaking the wire protocol directly over `ws`
 * (WebSocket transport only): connect to `/file-upload` (with the endpoint's `connectionParams` as `auth`), emit
 * `join-upload-room` with `{ jobId }` and an ack, then take `42/file-upload,["event", payload]` packets and answer
 * Engine.IO pings. Lighter than socket.io-client, so the load generator is not the bottleneck.
 */
export const subscribeSocketIo: Subscribe = ({ endpoint, jobId, onEvent, onError }) => {
  const url = `${endpoint.url.replace(/^http/, 'ws')}/socket.io/?EIO=4&transport=websocket`;
  const socket = new WebSocket(url, { perMessageDeflate: false, skipUTF8Validation: true });
  const auth = endpoint.connectionParams ? JSON.stringify(endpoint.connectionParams) : '';
  const join: UploadRoomInput = { jobId };
  const joined = new Promise<void>((resolve, reject) => {
    socket.on('message', (data) => {
      const text = String(data);
      if (text.startsWith(SOCKET_EVENT)) {
        const [event, payload] = JSON.parse(text.slice(SOCKET_EVENT.length)) as [
          JobEvent['event'],
          JobEvent['payload'],
        ];
        onEvent({ event, payload } as JobEvent);
      } else if (text === ENGINE_PING) socket.send(ENGINE_PONG);
      else if (text.startsWith(ENGINE_OPEN)) socket.send(`${SOCKET_CONNECT}${auth}`);
      else if (text.startsWith(SOCKET_CONNECT)) {
        socket.send(`${SOCKET_EVENT}0${JSON.stringify([WebSocketEvents.JOIN_UPLOAD_ROOM, join])}`);
      } else if (text.startsWith(JOIN_ACK)) {
        const [reply] = JSON.parse(text.slice(JOIN_ACK.length)) as [{ ok?: boolean } | undefined];
        if (reply?.ok === false) reject(new Error(`Socket.IO join refused: ${text}`));
        else resolve();
      } else if (text.startsWith(SOCKET_CONNECT_ERROR)) reject(new Error(`Socket.IO connect error: ${text}`));
    });
    socket.on('error', (error) => {
      onError(error.message);
      reject(error);
    });
  });
  return withTimeout(joined, SUBSCRIBE_TIMEOUT_MS, 'Socket.IO join').then(() => ({ close: () => socket.terminate() }));
};
