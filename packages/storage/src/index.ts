export { type Database, openDatabase } from './database';
export { type JobProgressUpdate, type JobRecord, JobStore, type NewJob, type RowError } from './job-store';
export { type NewSession, SessionStore } from './session-store';
