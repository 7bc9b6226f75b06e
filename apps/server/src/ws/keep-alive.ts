import type { Socket } from 'node:net';
import type { WebSocket } from 'ws';

/** What keep-alive last saw of one connection. */
interface Liveness {
  /** The connection's TCP socket, whose byte counters show whether the peer sends or takes anything. */
  socket: Socket;
  /** Bytes received from the peer. */
  read: number;
  /** Bytes of ours that have left the process (handed to the kernel), as opposed to still queued. */
  flushed: number;
  /** When the peer last sent anything or took any of the bytes queued for it. */
  activeAt: number;
  /** When the `PING` now awaiting an answer went out. */
  pingedAt: number | undefined;
}

function flushedBytes(socket: Socket): number {
  return socket.bytesWritten - socket.writableLength;
}

/**
 * Server keep-alive that does not cut slow links. tRPC's own (a `PING` after `pingMs` without a message from the
 * peer, terminated without a `PONG` within `pongWaitMs`) drops a client whose `PING` waits behind a full send
 * buffer. Here a connection is alive while its peer sends anything or takes any of the bytes queued for it:
 * bytes leave the socket's queue for the kernel only while its buffer has room, which a peer that stopped
 * reading (or vanished) no longer makes. After `pingMs` of neither it gets a `PING` (a tRPC client answers
 * `PONG`), and only if for `pongWaitMs` after that it still neither answers nor reads is it terminated.
 * Connections are checked a few times per `min(pingMs, pongWaitMs)`, so that is the resolution of both.
 */
export function keepAlive(pingMs: number, pongWaitMs: number) {
  const connections = new Map<WebSocket, Liveness>();
  const check = (client: WebSocket, state: Liveness, now: number) => {
    const { socket } = state;
    const read = socket.bytesRead;
    const flushed = flushedBytes(socket);
    if (read !== state.read || flushed !== state.flushed) {
      state.read = read;
      state.flushed = flushed;
      state.activeAt = now;
      state.pingedAt = undefined;
    } else if (state.pingedAt === undefined) {
      if (now - state.activeAt < pingMs || client.readyState !== client.OPEN) return;
      client.send('PING');
      state.pingedAt = now;
      state.flushed = flushedBytes(socket); // our own PING leaving is no sign of the peer
    } else if (now - state.pingedAt >= pongWaitMs) {
      client.terminate();
    }
  };
  const timer = setInterval(
    () => {
      const now = Date.now();
      for (const [client, state] of connections) check(client, state, now);
    },
    Math.max(1, Math.min(pingMs, pongWaitMs) / 4),
  );
  timer.unref();
  return {
    watch(client: WebSocket, socket: Socket) {
      const state: Liveness = {
        socket,
        read: socket.bytesRead,
        flushed: flushedBytes(socket),
        activeAt: Date.now(),
        pingedAt: undefined,
      };
      connections.set(client, state);
      client.once('close', () => connections.delete(client));
    },
    stop() {
      clearInterval(timer);
    },
  };
}
