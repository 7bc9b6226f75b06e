/** Bounds and pacing of one import; every field has a documented default. */
export interface ImportLimits {
  /** Most data rows a file may have; more fails the job (default 1,000,000). */
  maxRows: number;
  /** Longest row in bytes; longer fails the job with its line (default 64 KiB). */
  maxRowBytes: number;
  /** Most cells a row or the header may have; the import service's scan refuses a wider file before parsing (default 1,000). */
  maxColumns: number;
  /** Rows written per transaction (default 1,000). */
  batchSize: number;
  /** Row errors carried in progress and completion events; all are stored (default 100). */
  maxErrorsInEvent: number;
  /** Least time between two progress reports, in ms (default 100). */
  progressIntervalMs: number;
}

/** The default import limits. */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxRows: 1_000_000,
  maxRowBytes: 64 * 1024,
  maxColumns: 1_000,
  batchSize: 1_000,
  maxErrorsInEvent: 100,
  progressIntervalMs: 100,
};
