import type { ServerResponse } from 'node:http';
import type { ConnectionHandle } from '@jobstream/api';
import type { WebSocket } from 'ws';

/** Limits that apply to one connection's subscriptions. */
export interface ConnectionLimits {
  /** Bytes a connection may have queued before its subscriptions wait (and conflate). */
  sendBufferBytes: number;
  /** Subscriptions one connection may hold. */
  maxSubscriptions: number;
}

const POLL_MS = 10;

function slotCounter(
  max: number,
): Pick<ConnectionHandle, 'openSubscription' | 'closeSubscription' | 'maxSubscriptions'> {
  let open = 0;
  return {
    maxSubscriptions: max,
    openSubscription() {
      if (open >= max) return false;
      open++;
      return true;
    },
    closeSubscription: () => {
      open--;
    },
  };
}

/** A WebSocket's handle: writable while `bufferedAmount` is under the limit; waits by polling otherwise. */
export function wsConnectionHandle(socket: WebSocket, limits: ConnectionLimits): ConnectionHandle {
  const blocked = () => socket.readyState === socket.OPEN && socket.bufferedAmount > limits.sendBufferBytes;
  return {
    ...slotCounter(limits.maxSubscriptions),
    writable() {
      if (!blocked()) return undefined;
      return new Promise((resolve) => {
        const timer = setInterval(() => {
          if (blocked()) return;
          clearInterval(timer);
          resolve();
        }, POLL_MS);
      });
    },
  };
}

/** An HTTP response's handle (one SSE stream per request): writable until the response needs a drain. */
export function httpConnectionHandle(res: ServerResponse, limits: ConnectionLimits): ConnectionHandle {
  return {
    ...slotCounter(limits.maxSubscriptions),
    writable() {
      if (res.writableLength <= limits.sendBufferBytes || res.destroyed) return undefined;
      return new Promise((resolve) => {
        const done = () => {
          res.off('drain', done);
          res.off('close', done);
          resolve();
        };
        res.on('drain', done);
        res.on('close', done);
      });
    },
  };
}
