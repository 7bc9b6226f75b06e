import type { Caller } from '@jobstream/api';
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

/** What a gateway socket keeps in `socket.data`: its caller (from the handshake), then its rooms. */
interface GatewaySocketData {
  caller: Caller;
  rooms: UploadRooms;
}

/** The handshake refused: Socket.IO sends the message and `data` to the client as its `connect_error`. */
function handshakeError(code: 'UNAUTHORIZED' | 'INTERNAL_SERVER_ERROR', message: string): Error {
  return Object.assign(new Error(message), { data: { code } });
}

/** Who a handshake comes from, by the server's `identify` (a host's hook may answer late, or throw, even at once). */
async function callerOf(services: ServerServices, socket: Socket): Promise<Caller> {
  const { token } = socket.handshake.auth as { token?: unknown };
  return services.identify(socket.request, { token: typeof token === 'string' ? token : undefined });
}

/** A socket's rooms; its listeners are shared by every socket, which Socket.IO calls with the socket as `this`. */
function roomsOf(socket: Socket): UploadRooms {
  return (socket.data as GatewaySocketData).rooms;
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
    callerOf(services, socket).then(
      (caller) => {
        if (caller.sessionId === null) {
          return next(handshakeError('UNAUTHORIZED', 'No session: send the session cookie or auth.token'));
        }
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
    const data = socket.data as GatewaySocketData;
    const handle = options.handleOf(socket);
    data.rooms = new UploadRooms(socket, services, data.caller, handle, options.onError);
    socket.on(WebSocketEvents.JOIN_UPLOAD_ROOM, join);
    socket.on(WebSocketEvents.LEAVE_UPLOAD_ROOM, leave);
    socket.on(WebSocketEvents.PING, ping);
    socket.on('disconnect', leaveAll);
  });
}

function join(this: Socket, ...args: unknown[]): void {
  void roomsOf(this).join(...withAck(args));
}

function leave(this: Socket, ...args: unknown[]): void {
  roomsOf(this).leave(...withAck(args));
}

function ping(this: Socket, ...args: unknown[]): void {
  const pong: Pong = { event: WebSocketEvents.PONG, serverTime: Date.now() };
  this.emit(WebSocketEvents.PONG, pong);
  withAck(args)[1]?.(pong);
}

function leaveAll(this: Socket): void {
  roomsOf(this).leaveAll();
}
