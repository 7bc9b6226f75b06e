export { openStore, type StoreLocation } from './open-store';
export { POOL_DEFAULTS, type PoolLimits } from './postgres/pool';
export { PostgresStore, type PostgresStoreOptions } from './postgres/postgres-store';
export type {
  EntityTable,
  ImportBatch,
  ImportRow,
  JobProgressUpdate,
  JobRecord,
  NewJob,
  NewSession,
  RowError,
  SqlType,
  SweepResult,
  WriteResult,
} from './records';
export { type Database, openDatabase } from './sqlite/database';
export { SqliteStore } from './sqlite/sqlite-store';
export {
  type ImportWriter,
  type JobRepository,
  type SessionRepository,
  type Store,
  StoreBusyError,
  StoreUnavailableError,
} from './store';
