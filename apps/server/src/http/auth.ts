import type { IncomingMessage } from 'node:http';
import type { AuthorizeJob, Caller } from '@jobstream/api';
import type { JobRecord } from '@jobstream/storage';
import type { IdentifyCaller } from './identify';

/**
 * A host app's auth, the one hook `startApiServer({ auth })` takes; each member left out keeps the built-in rule.
 * `C` is the host's caller: whatever `identify` returns (its `sessionId` owns uploads) is what the others receive.
 */
export interface ServerAuth<C extends Caller = Caller> {
  /** Who is calling: once per HTTP request (tRPC, uploads, errors.csv) and once per WebSocket connection. Default: the session token. */
  identify?(req: IncomingMessage, connectionParams?: Record<string, string | undefined> | null): C | Promise<C>;
  /** Whether the caller may see a job: every job call, every (re)subscribe, errors.csv, each row of upload.list. Default: its owner. */
  canAccess?(caller: C, job: JobRecord): boolean | Promise<boolean>;
  /** Whether an identified caller may upload (else 403). Default: yes. */
  canUpload?(caller: C): boolean | Promise<boolean>;
}

/** The hooks the server runs, from `auth`; undefined members keep the built-in rule. */
export interface ResolvedAuth {
  identify?: IdentifyCaller;
  authorize?: AuthorizeJob;
  canUpload?: (caller: Caller) => boolean | Promise<boolean>;
}

/** The members of `auth`, bound so a class instance works too. */
export function resolveAuth(auth: ServerAuth | undefined): ResolvedAuth {
  return {
    identify: auth?.identify?.bind(auth),
    authorize: auth?.canAccess?.bind(auth),
    canUpload: auth?.canUpload?.bind(auth),
  };
}
