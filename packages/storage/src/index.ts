export { type Database, openDatabase, probeWritable } from './database';
export { type JobProgressUpdate, type JobRecord, JobStore, type NewJob, type RowError } from './job-store';
export { type NewSession, SessionStore } from './session-store';
