import { describe, expect, it } from 'vitest';
import {
  isTerminalStatus,
  JobEventSchema,
  OnProgressInputSchema,
  UPLOAD_GATEWAY_NAMESPACE,
  UploadFailureSchema,
  UploadProgressSchema,
  UploadResultSchema,
  UploadRoomInputSchema,
  UploadStatus,
  uploadRoom,
  WebSocketEvents,
  WebSocketRooms,
} from '../src/index';

const jobId = '6f1c1f5e-8a51-4f3a-9a49-8f1c2b7d9e10';

describe('enums', () => {
  it('keep the Socket.IO gateway’s names and values exactly', () => {
    expect(WebSocketEvents).toEqual({
      JOIN_UPLOAD_ROOM: 'join-upload-room',
      LEAVE_UPLOAD_ROOM: 'leave-upload-room',
      PING: 'ping',
      UPLOAD_PROGRESS: 'upload-progress',
      UPLOAD_COMPLETED: 'upload-completed',
      UPLOAD_ERROR: 'upload-error',
      PONG: 'pong',
    });
    expect(UploadStatus).toEqual({
      STARTED: 'started',
      PROCESSING: 'processing',
      COMPLETED: 'completed',
      FAILED: 'failed',
    });
    expect(WebSocketRooms).toEqual({ UPLOAD: 'upload' });
    expect(uploadRoom(jobId)).toBe(`upload:${jobId}`);
    expect(UPLOAD_GATEWAY_NAMESPACE).toBe('/file-upload');
    expect(isTerminalStatus('completed') && isTerminalStatus('failed')).toBe(true);
    expect(isTerminalStatus('processing')).toBe(false);
  });
});

describe('schemas', () => {
  const progress = { jobId, templateName: 'users', status: 'processing', progress: 50, message: 'Half' };

  it('accept valid payloads and reject out-of-range progress, bad ids and wrong statuses', () => {
    expect(UploadProgressSchema.parse({ ...progress, processed: 5, total: 10, errors: [] })).toMatchObject(progress);
    expect(UploadProgressSchema.safeParse({ ...progress, progress: 101 }).success).toBe(false);
    expect(UploadProgressSchema.safeParse({ ...progress, progress: -1 }).success).toBe(false);
    expect(UploadProgressSchema.safeParse({ ...progress, status: 'completed' }).success).toBe(false);
    expect(UploadProgressSchema.safeParse({ ...progress, processed: 1.5 }).success).toBe(false);
    const bad = OnProgressInputSchema.safeParse({ jobId: 'nope' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toBe('jobId must be a UUID');
    expect(UploadRoomInputSchema.parse({ jobId })).toEqual({ jobId });
    expect(UploadRoomInputSchema.safeParse(jobId).success).toBe(false);
  });

  it('tag events by name, each with its own payload', () => {
    const result = {
      jobId,
      templateName: 'users',
      status: 'completed',
      processed: 2,
      total: 2,
      inserted: 1,
      updated: 1,
      failed: 0,
      errors: [],
      durationMs: 3,
    };
    expect(UploadResultSchema.parse(result)).toEqual(result);
    expect(UploadFailureSchema.parse({ jobId, templateName: 'users', status: 'failed', message: 'x' })).toBeTruthy();
    expect(JobEventSchema.safeParse({ event: 'upload-completed', payload: result }).success).toBe(true);
    expect(JobEventSchema.safeParse({ event: 'upload-completed', payload: progress }).success).toBe(false);
    expect(JobEventSchema.safeParse({ event: 'pong', payload: progress }).success).toBe(false);
  });
});
