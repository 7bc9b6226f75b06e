import { type Caller, createApiContext } from '@jobstream/api';
import { type Pong, WebSocketEvents } from '@jobstream/contracts';
import { getTRPCErrorFromUnknown } from '@trpc/server';
import type { Namespace, Socket } from 'socket.io';
import type { ServerServices } from '../services';
import type { ProcedureError } from '../ws/ws-transport';
import type { SocketIoConnectionHandle } from './socketio-connection-handle';
import { UploadRooms } from './upload-rooms';

/** What the gateway namespace is served with. */
export interface UploadGatewayOptions {
  services: ServerServices;
  /** The handle of the Engine.IO connection a socket is on (its send buffer and subscription slots). */
  handleOf(socket: Socket): SocketIoConnectionHandle;
  onError(error: ProcedureError): void;
}

/** What the handshake established, kept on the socket (`socket.data`) for its connection handler. */
interface GatewaySocketData {
  caller: Caller;
}

/** The handshake refused: Socket.IO sends the message and `data` to the client as its `connect_error`. */
function handshakeError(code: 'UNAUTHORIZED' | 'INTERNAL_SERVER_ERROR', message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** A Socket.IO acknowledgement callback. */
type Acknowledge = (reply: unknown) => void;

/** Splits a Socket.IO handler's arguments into its payload and the acknowledgement callback, when the client asked for one. */
function withAck(args: unknown[]): [data: unknown, ack: Acknowledge | undefined] {
  const last = args.at(-1);
  if (typeof last !== 'function') return [args[0], undefined];
  return [args.length > 1 ? args[0] : undefined, last as Acknowledge];
}

/**
 * Serves the old upload gateway's namespace: the handshake is authenticated (the session cookie, or a token in
 * the client's `auth: { token }`, through the server's `identify`, as every other request is), then
 * `join-upload-room` / `leave-upload-room` with `{ jobId }`, and `ping` answered by `pong`.
 */
export function serveUploadGateway(namespace: Namespace, options: UploadGatewayOptions): void {
  const { services } = options;
  namespace.use((socket, next) => {
    const { token } = socket.handshake.auth as { token?: unknown };
    Promise.resolve(services.identify(socket.request, { token: typeof token === 'string' ? token : undefined })).then(
      (caller) => {
        if (caller.sessionId === null)
          return next(handshakeError('UNAUTHORIZED', 'No session: send the session cookie or auth.token'));
        (socket.data as GatewaySocketData).caller = caller;
        next();
      },
      (cause: unknown) => {
        options.onError({ error: getTRPCErrorFromUnknown(cause), path: 'socket.io handshake', req: socket.request });
        next(handshakeError('INTERNAL_SERVER_ERROR', 'Internal server error'));
      },
    );
  });

  namespace.on('connection', (socket) => {
    const handle = options.handleOf(socket);
    const ctx = createApiContext(services, { caller: (socket.data as GatewaySocketData).caller, connection: handle });
    const rooms = new UploadRooms(socket, ctx, handle, options.onError);
    socket.on(WebSocketEvents.JOIN_UPLOAD_ROOM, (...args: unknown[]) => void rooms.join(...withAck(args)));
    socket.on(WebSocketEvents.LEAVE_UPLOAD_ROOM, (...args: unknown[]) => rooms.leave(...withAck(args)));
    socket.on(WebSocketEvents.PING, (...args: unknown[]) => {
      const pong: Pong = { event: WebSocketEvents.PONG, serverTime: Date.now() };
      socket.emit(WebSocketEvents.PONG, pong);
      withAck(args)[1]?.(pong);
    });
    socket.once('disconnect', () => rooms.leaveAll());
  });
}
