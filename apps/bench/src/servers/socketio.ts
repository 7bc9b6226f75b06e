import { createServer } from 'node:http';
import { UPLOAD_GATEWAY_NAMESPACE, type UploadRoomInput, uploadRoom, WebSocketEvents } from '@jobstream/contracts';
import { Server } from 'socket.io';
import type { BenchServer } from './bench-server';
import { closeHttpServer, HOST, listenOnFreePort } from './listen';

/**
 * Anchor 2: Socket.IO 4.8 rooms, as the gateway this project replaces: its namespace, `join-upload-room` with
 * `{ jobId }`, and `nsp.to(room).emit(...)`.
 */
export async function startSocketIoServer(): Promise<BenchServer> {
  const http = createServer();
  const io = new Server(http, { transports: ['websocket'], serveClient: false });

  const gateway = io.of(UPLOAD_GATEWAY_NAMESPACE);
  gateway.on('connection', (socket) => {
    socket.on(WebSocketEvents.JOIN_UPLOAD_ROOM, ({ jobId }: UploadRoomInput, ack: () => void) => {
      void socket.join(uploadRoom(jobId));
      ack();
    });
  });

  const port = await listenOnFreePort(http);
  return {
    endpoint: { url: `http://${HOST}:${port}` },
    createJob: () => {},
    emitProgress: (jobId, payload) => gateway.to(uploadRoom(jobId)).emit(WebSocketEvents.UPLOAD_PROGRESS, payload),
    emitCompletion: (jobId, payload) => gateway.to(uploadRoom(jobId)).emit(WebSocketEvents.UPLOAD_COMPLETED, payload),
    close: async () => {
      io.disconnectSockets(true);
      await io.close();
      await closeHttpServer(http);
    },
  };
}
