import type {
  EntityTable,
  ImportBatch,
  JobProgressUpdate,
  JobRecord,
  NewJob,
  NewSession,
  RowError,
  SweepResult,
  WriteResult,
} from './records';

/** Jobs and their rejected rows: what survives a restart, and what every instance sees. */
export interface JobRepository {
  /** Records a new job, status `started`; throws for a job id already recorded. */
  create(job: NewJob): Promise<void>;
  /** Records a running job's latest state. */
  recordProgress(jobId: string, update: JobProgressUpdate): Promise<void>;
  /** Records a job's terminal state and its duration. */
  finish(jobId: string, update: JobProgressUpdate): Promise<void>;
  /** A job by id, whoever owns it. */
  get(jobId: string): Promise<JobRecord | undefined>;
  /** An owner's most recent jobs, newest first. */
  listByOwner(owner: string, limit: number): Promise<JobRecord[]>;
  /** Jobs recorded as running (`started` or `processing`), oldest first, at most `limit`. */
  listRunning(limit: number): Promise<JobRecord[]>;
  /**
   * Marks every job still running as failed, with `message` and the event id `nextEventId` gives after its last
   * one; called at start-up of a single instance, when no job can be running. Returns how many.
   */
  failInterrupted(message: string, nextEventId: (lastEventId: string | null) => string): Promise<number>;
  /**
   * A job's rejected rows in row order, read in pages as the caller iterates: each page is read whole before any
   * of it is handed out, so no cursor or transaction stays open while the caller waits (for a slow client, say).
   */
  rowErrors(jobId: string): AsyncIterable<RowError>;
}

/** Anonymous sessions: 256-bit random tokens, stored only as SHA-256 hashes. */
export interface SessionRepository {
  /** Issues a new session. */
  create(): Promise<NewSession>;
  /** The session id a token belongs to, or undefined for anything else. */
  resolve(token: string | null | undefined): Promise<string | undefined>;
}

/** One import's writes: each batch committed with its rejected rows in one transaction. */
export interface ImportWriter {
  /**
   * Upserts the batch's valid rows by key and stores its rejected rows and duplicates, together or not at all. A
   * row whose key this import already wrote is a duplicate, also when another import overwrote it meanwhile.
   */
  write(batch: ImportBatch): Promise<WriteResult>;
  /** Ends the import's registration; call however the import ends. */
  close(): Promise<void>;
}

/**
 * Everything jobstream stores, behind one port: SQLite (embedded, the default) and PostgreSQL (shared by several
 * instances) implement it, and `packages/storage/test/store.contract.ts` is the suite both pass.
 */
export interface Store extends AsyncDisposable {
  /** Which implementation this is, for logs. */
  readonly kind: 'sqlite' | 'postgres';
  readonly jobs: JobRepository;
  readonly sessions: SessionRepository;
  /** Starts writing an import of `jobId` into `table` (created on first use). */
  openImport(jobId: string, table: EntityTable): Promise<ImportWriter>;
  /** Resolves when the store can write now; rejects with why not (readiness). */
  probe(): Promise<void>;
  /**
   * Removes at most `limit` each of: rejected rows of jobs that ended before `before`, then those jobs (once their
   * rejected rows are gone), then sessions created before it that own no job. Never a running job. Bounded so no
   * call holds the store for long: call again while any count equals `limit`.
   */
  sweep(before: Date, limit: number): Promise<SweepResult>;
}

/** The store cannot be reached or refused to answer (PostgreSQL down, say): the operation did not happen. */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** Every connection to the store is busy and too many callers already wait for one: try again later. */
export class StoreBusyError extends Error {
  override readonly name = 'StoreBusyError';
}
