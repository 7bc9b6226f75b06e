/** Event names of the job-progress protocol; values match the Socket.IO gateway this replaces. */
export const WebSocketEvents = {
  JOIN_UPLOAD_ROOM: 'join-upload-room',
  LEAVE_UPLOAD_ROOM: 'leave-upload-room',
  PING: 'ping',
  UPLOAD_PROGRESS: 'upload-progress',
  UPLOAD_COMPLETED: 'upload-completed',
  UPLOAD_ERROR: 'upload-error',
  PONG: 'pong',
} as const;
export type WebSocketEvents = (typeof WebSocketEvents)[keyof typeof WebSocketEvents];

/** Lifecycle states of a job: started -> processing* -> completed | failed. */
export const UploadStatus = {
  STARTED: 'started',
  PROCESSING: 'processing',
  COMPLETED: 'completed',
  FAILED: 'failed',
} as const;
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];

/** Room name prefixes; a job's room is `upload:<jobId>`. */
export const WebSocketRooms = {
  UPLOAD: 'upload',
} as const;
export type WebSocketRooms = (typeof WebSocketRooms)[keyof typeof WebSocketRooms];

/** The Socket.IO namespace of the old upload gateway, which the server's compatibility path serves. */
export const UPLOAD_GATEWAY_NAMESPACE = '/file-upload';

/** The room name of one job, as the old gateway named it. */
export function uploadRoom(jobId: string): `upload:${string}` {
  return `${WebSocketRooms.UPLOAD}:${jobId}`;
}

/** True for the states after which a job emits nothing more. */
export function isTerminalStatus(status: UploadStatus): status is 'completed' | 'failed' {
  return status === UploadStatus.COMPLETED || status === UploadStatus.FAILED;
}
