import { createServer } from 'node:http';
import { type JobEvent, WebSocketEvents } from '@jobstream/contracts';
import { type WebSocket, WebSocketServer } from 'ws';
import type { BenchServer } from './bench-server';
import { closeHttpServer, HOST, listenOnFreePort } from './listen';

/** What a raw-ws client sends to join a job's room. */
export interface RawJoinMessage {
  type: 'join';
  jobId: string;
}

/** The server's answer once the client is in the room. */
export const RAW_JOINED = '{"type":"joined"}';

/** Anchor 1: a bare `ws` server with rooms; each event is serialized once and sent to every member. */
export async function startRawWsServer(): Promise<BenchServer> {
  const http = createServer();
  const wss = new WebSocketServer({ server: http });
  const rooms = new Map<string, Set<WebSocket>>();

  wss.on('connection', (socket) => {
    const joined: string[] = [];
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as RawJoinMessage;
      if (message.type !== 'join') return;
      let room = rooms.get(message.jobId);
      if (!room) {
        room = new Set();
        rooms.set(message.jobId, room);
      }
      room.add(socket);
      joined.push(message.jobId);
      socket.send(RAW_JOINED);
    });
    socket.on('close', () => {
      for (const jobId of joined) {
        const room = rooms.get(jobId);
        room?.delete(socket);
        if (room?.size === 0) rooms.delete(jobId);
      }
    });
  });

  const broadcast = (jobId: string, event: JobEvent) => {
    const room = rooms.get(jobId);
    if (!room) return;
    const data = JSON.stringify(event);
    for (const socket of room) socket.send(data);
  };

  const port = await listenOnFreePort(http);
  return {
    endpoint: { url: `ws://${HOST}:${port}` },
    createJob: () => {},
    emitProgress: (jobId, payload) => broadcast(jobId, { event: WebSocketEvents.UPLOAD_PROGRESS, payload }),
    emitCompletion: (jobId, payload) => broadcast(jobId, { event: WebSocketEvents.UPLOAD_COMPLETED, payload }),
    close: async () => {
      for (const socket of wss.clients) socket.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await closeHttpServer(http);
    },
  };
}
