/** Bounds and pacing of one import; every field has a documented default. */
export interface ImportLimits {
  /** Most data rows a file may have; more fails the job (default 1,000,000). */
  maxRows: number;
  /** Longest row in characters (its cells and delimiters); the parser fails the job at the first longer one (default 65,536). */
  maxRowLength: number;
  /** Most cells a row or the header may have; the parser fails the job at the first wider one (default 1,000). */
  maxColumns: number;
  /** Rows written per transaction (default 1,000). */
  batchSize: number;
  /** Row errors carried in progress and completion events; all are stored (default 100). */
  maxErrorsInEvent: number;
  /** Least time between two progress reports, in ms (default 100). */
  progressIntervalMs: number;
  /** Most rows per second an import reads, to spare the database; 0 for no limit (default 0). */
  rowsPerSecond: number;
}

/** The default import limits. */
export const DEFAULT_IMPORT_LIMITS: ImportLimits = {
  maxRows: 1_000_000,
  maxRowLength: 64 * 1024,
  maxColumns: 1_000,
  batchSize: 1_000,
  maxErrorsInEvent: 100,
  progressIntervalMs: 100,
  rowsPerSecond: 0,
};
