import type { ImportVariant } from '../results';

/** The database one run writes: a fresh SQLite file the import process makes, or a fresh PostgreSQL schema's URL. */
export type ImportDatabase = { store: 'sqlite' } | { store: 'postgres'; url: string };

/** What an import process reports for one run. */
export interface ImportRun {
  elapsedMs: number;
  /** CPU time of the import process over the run (less sensitive than wall time to other work on the machine). */
  cpuMs: number;
  rows: number;
  /** Progress events received by the subscriber (engine with progress on). */
  events?: number;
  /** Time spent in the progress reporter's calls (engine with progress on), ms. */
  reportingMs?: number;
  problems: string[];
}

/** Methods of an import process. */
export type ImportApi = {
  run: (params: {
    variant: ImportVariant;
    database: ImportDatabase;
    file: string;
    expectedRows: number;
  }) => Promise<ImportRun>;
};
