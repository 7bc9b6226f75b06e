import type { UploadStatus } from '@jobstream/contracts';
import type { JobProgressUpdate, JobRecord } from './records';

/** A job as both stores keep it: one row of `jobs`, times in milliseconds since the epoch. */
export interface JobRow {
  id: string;
  owner: string;
  template: string;
  status: UploadStatus;
  progress: number;
  message: string;
  processed: number;
  total: number | null;
  inserted: number;
  updated: number;
  failed: number;
  errors: string;
  last_event_id: string | null;
  created_at: number;
  updated_at: number;
  finished_at: number | null;
  duration_ms: number | null;
  file_name: string | null;
  file_bytes: number | null;
}

/** A stored row as the job it records. */
export function toJobRecord(row: JobRow): JobRecord {
  return {
    jobId: row.id,
    owner: row.owner,
    templateName: row.template,
    status: row.status,
    progress: row.progress,
    message: row.message,
    processed: row.processed,
    total: row.total,
    inserted: row.inserted,
    updated: row.updated,
    failed: row.failed,
    errors: JSON.parse(row.errors) as string[],
    lastEventId: row.last_event_id,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    durationMs: row.duration_ms,
    ...(row.file_name === null ? {} : { fileName: row.file_name }),
    ...(row.file_bytes === null ? {} : { fileBytes: row.file_bytes }),
  };
}

/** The values an update writes, by column. */
export function updateValues(update: JobProgressUpdate) {
  return {
    status: update.status,
    progress: update.progress,
    message: update.message,
    processed: update.processed,
    total: update.total,
    inserted: update.inserted ?? 0,
    updated: update.updated ?? 0,
    failed: update.failed ?? 0,
    errors: JSON.stringify(update.errors ?? []),
    lastEventId: update.lastEventId,
    durationMs: update.durationMs ?? null,
  };
}

/** Rejected rows read at once when `errors.csv` streams them. */
export const ROW_ERROR_PAGE = 500;

/** The statuses of a job that has not ended. */
export const RUNNING_STATUSES = ['started', 'processing'] as const;

/** A SQL identifier, quoted (`"name"`, inner quotes doubled): table and column names come from templates. */
export function quoteIdentifier(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}
