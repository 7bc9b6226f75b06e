import pg from 'pg';
import { StoreBusyError, StoreUnavailableError } from '../store';

/** Limits of the connection pool; every field has a documented default in the server's configuration. */
export interface PoolLimits {
  /** Connections open at most (`PG_POOL_MAX`). */
  max: number;
  /** Callers that may wait for a connection when all are busy; the next one fails at once (`PG_POOL_MAX_WAITING`). */
  maxWaiting: number;
  /** How long a caller waits for a connection, in ms, before it fails (`PG_POOL_TIMEOUT_MS`). */
  timeoutMs: number;
}

/** Default pool limits. */
export const POOL_DEFAULTS: PoolLimits = { max: 10, maxWaiting: 100, timeoutMs: 5_000 };

const INT8 = 20;

/** Counts and sizes come back as numbers (they stay far below 2^53), not as the strings `pg` gives for bigint. */
const types = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/** Error codes of a server that is going away or cannot take connections, and of sockets that failed. */
const UNAVAILABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH']);

/** True for an error that says the database is not there (down, restarting, unreachable), not that the query was wrong. */
function isUnavailable(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && (UNAVAILABLE_CODES.has(code) || code.startsWith('08') || code.startsWith('57P'))) {
    return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|encountered a connection error and is not queryable/i.test(
      message,
    )
  );
}

/** The address a connection string points at, for messages: never its password. */
function describe(connectionString: string): string {
  try {
    const url = new URL(connectionString);
    return `${url.hostname}:${url.port || 5432}${url.pathname}`;
  } catch {
    return 'the configured address';
  }
}

/**
 * A `pg` pool with a bound on waiting: past `maxWaiting` callers waiting for a connection, the next fails at once
 * with `StoreBusyError` instead of joining an ever longer queue, and a wait longer than `timeoutMs` fails too.
 * Errors that mean the database is unreachable become `StoreUnavailableError`.
 */
export class PgPool {
  private readonly pool: pg.Pool;
  private readonly where: string;

  constructor(
    connectionString: string,
    private readonly limits: PoolLimits,
    onConnectionError: (error: Error) => void,
  ) {
    this.where = describe(connectionString);
    this.pool = new pg.Pool({
      connectionString,
      max: limits.max,
      connectionTimeoutMillis: limits.timeoutMs,
      idleTimeoutMillis: 30_000,
      types,
    });
    // A connection the server closes (a restart, say) emits 'error' on its client, idle or checked out between two
    // queries; a client without a listener would crash the process. Each client reports it once here; the caller
    // holding it sees its next query fail and discards it, and the next caller gets a new connection.
    this.pool.on('connect', (client) => client.on('error', onConnectionError));
    // The pool repeats an idle client's error as its own, and an 'error' event without a listener throws.
    this.pool.on('error', () => {});
  }

  /** Connections open now, and callers waiting for one, for metrics and leak checks. */
  get counts(): { total: number; idle: number; waiting: number } {
    return { total: this.pool.totalCount, idle: this.pool.idleCount, waiting: this.pool.waitingCount };
  }

  /** Runs one statement. */
  async query<Row extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: readonly unknown[],
  ): Promise<pg.QueryResult<Row>> {
    return this.with((client) => client.query<Row>(text, values as unknown[]));
  }

  /** Runs `work` in one transaction on one connection: committed when it resolves, rolled back when it throws. */
  async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.with(async (client) => {
      await client.query('BEGIN');
      try {
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /** Closes every connection. */
  async end(): Promise<void> {
    await this.pool.end();
  }

  private async with<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const { pool, limits } = this;
    if (pool.idleCount === 0 && pool.totalCount >= limits.max && pool.waitingCount >= limits.maxWaiting) {
      throw new StoreBusyError(`Every database connection is busy and ${limits.maxWaiting} callers already wait`);
    }
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      if (pool.totalCount >= limits.max && /timeout exceeded/i.test(String(error))) {
        throw new StoreBusyError(`Every database connection stayed busy for ${limits.timeoutMs} ms`);
      }
      throw this.translate(error);
    }
    let broken: unknown;
    try {
      return await work(client);
    } catch (error) {
      if (isUnavailable(error)) broken = error;
      throw this.translate(error);
    } finally {
      // A connection that failed is discarded, not reused.
      client.release(broken instanceof Error ? broken : undefined);
    }
  }

  private translate(error: unknown): unknown {
    if (!isUnavailable(error)) return error;
    const reason = (error as { message?: string }).message ?? String(error);
    return new StoreUnavailableError(`PostgreSQL at ${this.where} is unavailable: ${reason}`);
  }
}
