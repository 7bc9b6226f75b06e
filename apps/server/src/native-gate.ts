import type { IncomingMessage } from 'node:http';
import type { ApiContext } from '@jobstream/api';
import { parseConnectionParamsFromUnknown } from '@trpc/server/unstable-core-do-not-import';
import type { WebSocket } from 'ws';
import { NOT_JSON } from './message-rate';
import { NativeProgress } from './native-progress';

/** Connection params as the client sends them (`connectionParams: { token }`). */
export type ConnectionParams = Record<string, string | undefined> | null;

/** Builds a connection's context from its upgrade request and connection params. */
export type WsContextFactory = (
  req: IncomingMessage,
  socket: WebSocket,
  params: ConnectionParams,
) => Promise<ApiContext>;

/** Decides, per incoming frame (and what it parsed to, `NOT_JSON` for anything else), what the native path takes and what still goes to tRPC. */
export type FrameFilter = (data: Buffer, frame: unknown) => Buffer | undefined;

/**
 * Puts the native `upload.onProgress` path in front of tRPC's handler for one socket: it records the
 * connection params (still forwarded to tRPC), takes its own subscriptions out of each frame, and passes the rest.
 */
export function nativeFrameFilter(options: {
  req: IncomingMessage;
  socket: WebSocket;
  context: WsContextFactory;
  onError?: ConstructorParameters<typeof NativeProgress>[0]['onError'];
}): FrameFilter {
  const { req, socket } = options;
  let expectParams = new URL(req.url ?? '/', 'http://localhost').searchParams.get('connectionParams') === '1';
  let resolveParams: (params: ConnectionParams) => void = () => {};
  const params: Promise<ConnectionParams> = expectParams
    ? new Promise((resolve) => {
        resolveParams = resolve;
      })
    : Promise.resolve(null);
  let context: Promise<ApiContext> | undefined;
  const native = new NativeProgress({
    socket,
    onError: options.onError,
    context() {
      context ??= params.then((connectionParams) => options.context(req, socket, connectionParams));
      return context;
    },
  });
  socket.on('close', () => {
    resolveParams(null);
    native.close();
  });

  return (data, frame) => {
    if (frame === NOT_JSON) return data;
    if (expectParams) {
      expectParams = false;
      try {
        resolveParams(parseConnectionParamsFromUnknown((frame as { data?: unknown } | null)?.data));
      } catch {
        resolveParams(null);
      }
      return data;
    }
    const rest = native.intercept(frame);
    if (rest === frame) return data;
    return rest === undefined ? undefined : Buffer.from(JSON.stringify(rest));
  };
}
