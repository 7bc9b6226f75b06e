import type { UploadFailure, UploadProgress, UploadResult } from '@jobstream/contracts';
import type { io as connect, Socket } from 'socket.io-client';

/** Where the frontend logs: `console` in a browser; the tests pass a recorder. */
export type FrontendConsole = Pick<Console, 'log' | 'error'>;

// README: "Coming from the Socket.IO upload gateway"
/**
 * The old upload gateway's frontend code as its clients run it, unchanged but for its types and the three things
 * a page gets from its surroundings: `io` (socket.io-client), the server's URL and `console`. Its credentials are
 * the page's too: a browser on the web app's origin sends the session cookie with the handshake by itself.
 */
export function watchUpload(io: typeof connect, serverUrl: string, jobId: string, console: FrontendConsole): Socket {
  const socket = io(`${serverUrl}/file-upload`);

  socket.on('connect', () => {
    socket.emit('join-upload-room', { jobId });
  });

  socket.on('upload-progress', (data: UploadProgress) => {
    console.log(`Progress: ${data.progress}% - ${data.message}`);
  });

  socket.on('upload-completed', (result: UploadResult) => {
    console.log('Upload completed:', result);
    socket.emit('leave-upload-room', { jobId });
  });

  socket.on('upload-error', (error: UploadFailure) => {
    console.error('Upload failed:', error.message);
    socket.emit('leave-upload-room', { jobId });
  });

  return socket;
}
