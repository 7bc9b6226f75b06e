import { createServer } from 'node:http';
import { uploadRoom, WebSocketEvents } from '@jobstream/contracts';
import { Server } from 'socket.io';
import type { BenchServer } from './bench-server';
import { closeHttpServer, HOST, listenOnFreePort } from './listen';

/** Anchor 2: Socket.IO 4.8 rooms, as the gateway this project replaces: `io.to(room).emit(...)`. */
export async function startSocketIoServer(): Promise<BenchServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });

  io.on('connection', (socket) => {
    socket.on(WebSocketEvents.JOIN_UPLOAD_ROOM, (jobId: string, ack: () => void) => {
      void socket.join(uploadRoom(jobId));
      ack();
    });
  });

  const port = await listenOnFreePort(http);
  return {
    endpoint: { url: `http://${HOST}:${port}` },
    createJob: () => {},
    emitProgress: (jobId, payload) => io.to(uploadRoom(jobId)).emit(WebSocketEvents.UPLOAD_PROGRESS, payload),
    emitCompletion: (jobId, payload) => io.to(uploadRoom(jobId)).emit(WebSocketEvents.UPLOAD_COMPLETED, payload),
    close: async () => {
      io.disconnectSockets(true);
      await io.close();
      await closeHttpServer(http);
    },
  };
}
