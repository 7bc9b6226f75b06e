import { createHash, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Database } from './database';

/** A new session: the bearer token (shown once, never stored) and the id jobs are owned by. */
export interface NewSession {
  token: string;
  sessionId: string;
}

const TOKEN_BYTES = 32;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hash(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Anonymous sessions: 256-bit random tokens, stored only as SHA-256 hashes. */
export class SessionStore {
  private readonly insert;
  private readonly find;

  constructor(
    db: Database,
    private readonly now: () => number = Date.now,
  ) {
    this.insert = db.prepare('INSERT INTO sessions (token_hash, id, created_at) VALUES (?, ?, ?)');
    this.find = db.prepare<[string], { token_hash: string; id: string }>(
      'SELECT token_hash, id FROM sessions WHERE token_hash = ?',
    );
  }

  /** Issues a new session. */
  create(): NewSession {
    const token = randomBytes(TOKEN_BYTES).toString('base64url');
    const sessionId = randomUUID();
    this.insert.run(hash(token).toString('hex'), sessionId, this.now());
    return { token, sessionId };
  }

  /** The session id a token belongs to, or undefined for anything else. */
  resolve(token: string | null | undefined): string | undefined {
    if (!token || !TOKEN_PATTERN.test(token)) return undefined;
    const digest = hash(token);
    const row = this.find.get(digest.toString('hex'));
    if (!row) return undefined;
    return timingSafeEqual(Buffer.from(row.token_hash, 'hex'), digest) ? row.id : undefined;
  }
}
