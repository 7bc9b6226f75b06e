import type { NewSession } from '../records';
import { hashMatches, lookupHash, newSessionToken } from '../session-tokens';
import type { SessionRepository } from '../store';
import type { Database } from './database';

/** Anonymous sessions in SQLite. */
export class SqliteSessions implements SessionRepository {
  private readonly insert;
  private readonly find;

  constructor(
    db: Database,
    private readonly now: () => number,
  ) {
    this.insert = db.prepare('INSERT INTO sessions (token_hash, id, created_at) VALUES (?, ?, ?)');
    this.find = db.prepare<[string], { token_hash: string; id: string }>(
      'SELECT token_hash, id FROM sessions WHERE token_hash = ?',
    );
  }

  async create(): Promise<NewSession> {
    const { token, hash, sessionId } = newSessionToken();
    this.insert.run(hash, sessionId, this.now());
    return { token, sessionId };
  }

  async resolve(token: string | null | undefined): Promise<string | undefined> {
    const hash = lookupHash(token);
    if (!hash) return undefined;
    const row = this.find.get(hash);
    return row && hashMatches(row.token_hash, hash) ? row.id : undefined;
  }
}
