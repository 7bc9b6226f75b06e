import type { UploadStatus } from '@jobstream/contracts';

/** A job as stored: who owns it, where it stands and its counts. */
export interface JobRecord {
  jobId: string;
  owner: string;
  templateName: string;
  status: UploadStatus;
  progress: number;
  message: string;
  processed: number;
  total: number | null;
  inserted: number;
  updated: number;
  failed: number;
  /** The first row errors, as reported in events. */
  errors: string[];
  lastEventId: string | null;
  createdAt: Date;
  updatedAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  /** The uploaded file's name as the client gave it; absent when it gave none. */
  fileName?: string;
  /** The uploaded file's size in bytes; absent when not recorded. */
  fileBytes?: number;
}

/** What `jobs.create` records about a new job. */
export interface NewJob {
  jobId: string;
  owner: string;
  templateName: string;
  message: string;
  /** The uploaded file's name as the client gave it. */
  fileName?: string;
  /** The uploaded file's size in bytes. */
  fileBytes?: number;
}

/** A running job's latest state, as recorded at each progress report. */
export interface JobProgressUpdate {
  status: UploadStatus;
  progress: number;
  message: string;
  processed: number;
  total: number | null;
  inserted?: number;
  updated?: number;
  failed?: number;
  errors?: readonly string[];
  lastEventId: string;
  /** How long the job ran, as reported; default: since it was created. */
  durationMs?: number;
}

/** One rejected row: its number (data rows from 1), the reasons, and its cells as read. */
export interface RowError {
  row: number;
  message: string;
  cells: string[];
}

/** A new anonymous session: the bearer token (shown once, never stored) and the id jobs are owned by. */
export interface NewSession {
  token: string;
  sessionId: string;
}

/** How a column of an imported entity is stored. */
export type SqlType = 'TEXT' | 'INTEGER' | 'REAL';

/** The table an import writes: the template's entity, keyed by one of its columns. */
export interface EntityTable {
  table: string;
  /** The column that identifies a row: a later row with the same key is a duplicate, an existing one is updated. */
  key: string;
  /** Every column, in the template's order. */
  columns: readonly { name: string; type: SqlType; required: boolean }[];
}

/** A valid row waiting to be written: its number (data rows from 1), its values and its cells as read (file order). */
export interface ImportRow {
  row: number;
  values: Readonly<Record<string, string | number | null>>;
  cells: readonly string[];
}

/** One batch of an import, committed together or not at all. */
export interface ImportBatch {
  rows: readonly ImportRow[];
  /** Rows the template refused, stored for `errors.csv`. */
  rejected: readonly RowError[];
  /** For each column of the table, its cell's position in the file: a duplicate's cells are stored in table order. */
  positions: readonly number[];
}

/** What one committed batch did. */
export interface WriteResult {
  inserted: number;
  updated: number;
  /** Rows whose key an earlier row of the same import already wrote: rejected, not written. */
  duplicates: RowError[];
}

/** What a retention sweep removed. */
export interface SweepResult {
  rowErrors: number;
  jobs: number;
  sessions: number;
}
