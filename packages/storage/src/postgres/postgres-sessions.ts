import type { NewSession } from '../records';
import { hashMatches, lookupHash, newSessionToken } from '../session-tokens';
import type { SessionRepository } from '../store';
import type { PgPool } from './pool';

/** Anonymous sessions in PostgreSQL. */
export class PostgresSessions implements SessionRepository {
  constructor(
    private readonly pool: PgPool,
    private readonly now: () => number,
  ) {}

  async create(): Promise<NewSession> {
    const { token, hash, sessionId } = newSessionToken();
    await this.pool.query('INSERT INTO sessions (token_hash, id, created_at) VALUES ($1, $2, $3)', [
      hash,
      sessionId,
      this.now(),
    ]);
    return { token, sessionId };
  }

  async resolve(token: string | null | undefined): Promise<string | undefined> {
    const hash = lookupHash(token);
    if (!hash) return undefined;
    const { rows } = await this.pool.query<{ token_hash: string; id: string }>(
      'SELECT token_hash, id FROM sessions WHERE token_hash = $1',
      [hash],
    );
    const row = rows[0];
    return row && hashMatches(row.token_hash, hash) ? row.id : undefined;
  }
}
