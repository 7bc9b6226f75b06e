import { z } from 'zod';
import { UploadStatus, WebSocketEvents } from './enums';

/** A job id: a random UUID. */
export const JobId = z.uuid({ message: 'jobId must be a UUID' });

const count = z.number().int().nonnegative();
const rowErrors = z.array(z.string());

/** A progress report while a job runs. */
export const UploadProgressSchema = z.object({
  jobId: JobId,
  templateName: z.string().min(1),
  status: z.enum([UploadStatus.STARTED, UploadStatus.PROCESSING]),
  progress: z.number().min(0).max(100),
  message: z.string(),
  processed: count.optional(),
  total: count.optional(),
  errors: rowErrors.optional(),
});
export type UploadProgress = z.infer<typeof UploadProgressSchema>;

/** The final counts of a job that completed. */
export const UploadResultSchema = z.object({
  jobId: JobId,
  templateName: z.string().min(1),
  status: z.literal(UploadStatus.COMPLETED),
  processed: count,
  total: count,
  inserted: count,
  updated: count,
  failed: count,
  errors: rowErrors,
  durationMs: z.number().nonnegative(),
});
export type UploadResult = z.infer<typeof UploadResultSchema>;

/** Why a job failed. */
export const UploadFailureSchema = z.object({
  jobId: JobId,
  templateName: z.string().min(1),
  status: z.literal(UploadStatus.FAILED),
  message: z.string().min(1),
  errors: rowErrors.optional(),
});
export type UploadFailure = z.infer<typeof UploadFailureSchema>;

/** One event of a job's stream, tagged by its event name. */
export const JobEventSchema = z.discriminatedUnion('event', [
  z.object({ event: z.literal(WebSocketEvents.UPLOAD_PROGRESS), payload: UploadProgressSchema }),
  z.object({ event: z.literal(WebSocketEvents.UPLOAD_COMPLETED), payload: UploadResultSchema }),
  z.object({ event: z.literal(WebSocketEvents.UPLOAD_ERROR), payload: UploadFailureSchema }),
]);
export type JobEvent = z.infer<typeof JobEventSchema>;

/** Input of `upload.onProgress`; `lastEventId` is filled in by tRPC on resubscribe. */
export const OnProgressInputSchema = z.object({
  jobId: JobId,
  lastEventId: z.string().max(64).nullish(),
});
export type OnProgressInput = z.infer<typeof OnProgressInputSchema>;

/** What the old gateway's `join-upload-room` and `leave-upload-room` carry: the job whose room to join or leave. */
export const UploadRoomInputSchema = z.object({ jobId: JobId });
export type UploadRoomInput = z.infer<typeof UploadRoomInputSchema>;

/** Answer of `upload.ping`, and the payload of the old gateway's `pong`. */
export const PongSchema = z.object({
  event: z.literal(WebSocketEvents.PONG),
  serverTime: z.number(),
});
export type Pong = z.infer<typeof PongSchema>;

/** What a subscriber receives: a job event, flagged when it is the job's current state rather than a replayed event. */
export type JobStreamEvent = JobEvent & {
  /** Present on the job's current state: sent first to a new subscriber, and in place of events a resuming subscriber can no longer get. */
  snapshot?: true;
  /** Present with `snapshot` when events after the client's `lastEventId` had already left the job's history. */
  missed?: true;
};
