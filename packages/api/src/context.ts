import type { ImportService, TemplateRegistry } from '@jobstream/importer';
import type { DeliveredEvent, DeliveryMetrics, JobEventLog } from '@jobstream/progress';
import type { JobRecord, JobRepository, SessionRepository } from '@jobstream/storage';

/** Who is calling: the session their token or cookie resolved to (or the host's id for them), if any; hosts may add fields. */
export interface Caller {
  sessionId: string | null;
}

/** Whether a caller may see a job (the server's `auth.canAccess`); checked on every call, (re)subscribe and list row. */
export type AuthorizeJob = (caller: Caller, job: JobRecord) => boolean | Promise<boolean>;

/** The default rule: a job is visible only to the session that uploaded it. */
export const ownerOnly: AuthorizeJob = (caller, job) => caller.sessionId !== null && caller.sessionId === job.owner;

/** Limits every upload is held to, stated so a client can check a file before sending it. */
export interface UploadLimits {
  /** Largest upload body, in bytes. */
  maxUploadBytes: number;
  /** Most data rows in one file. */
  maxRows: number;
}

/** The process-wide services procedures use; the server creates them once. */
export interface ApiServices {
  /** Where every job's events are read from. */
  log: JobEventLog;
  /** What subscriptions add to, for `/metrics`. */
  delivery: DeliveryMetrics;
  jobs: JobRepository;
  imports: ImportService;
  templates: TemplateRegistry;
  sessions: SessionRepository;
  authorize: AuthorizeJob;
  /** The upload limits the server enforces, as `upload.limits` states them; absent when the host states none. */
  uploadLimits?: UploadLimits;
}

/** The connection a call arrived on, as the transport exposes it: backpressure and per-connection limits. */
export interface ConnectionHandle {
  /** Undefined while the connection's send buffer is under its limit, else a promise that resolves once it drains (or closes). */
  writable(): Promise<void> | undefined;
  /** Takes a subscription slot; false when the connection already has as many as allowed. */
  openSubscription(): boolean;
  /** Gives a subscription slot back. */
  closeSubscription(): void;
  /** Subscriptions one connection may hold, for error messages. */
  readonly maxSubscriptions: number;
  /** Called with each event of a subscription as it is handed to the transport to write (for its emit-to-send latency). */
  sent?(event: DeliveredEvent): void;
}

/** What every procedure can use; the server builds one per WebSocket connection or HTTP request. */
export interface ApiContext extends ApiServices {
  caller: Caller;
  connection: ConnectionHandle;
  /** Sets the session cookie on the HTTP response; absent over WebSocket. */
  setSessionCookie?: (token: string) => void;
  /** Charges one new session to the caller's client address: 0 when allowed, else the seconds to wait; absent means unlimited. */
  admitSession?: () => Promise<number>;
}

/** What a transport knows about one connection or request. */
export type CallContext = Pick<ApiContext, 'caller' | 'connection' | 'setSessionCookie' | 'admitSession'>;

/**
 * A context with exactly the API's keys, written as one literal: every context shares one shape (spreading the
 * server's services gave each WebSocket connection a hidden class of its own) and carries nothing else.
 */
export function createApiContext(services: ApiServices, call: CallContext): ApiContext {
  return {
    log: services.log,
    delivery: services.delivery,
    jobs: services.jobs,
    imports: services.imports,
    templates: services.templates,
    sessions: services.sessions,
    authorize: services.authorize,
    uploadLimits: services.uploadLimits,
    caller: call.caller,
    connection: call.connection,
    setSessionCookie: call.setSessionCookie,
    admitSession: call.admitSession,
  };
}
