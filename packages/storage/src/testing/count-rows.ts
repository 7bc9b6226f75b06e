import { quoteIdentifier } from '../job-rows';
import { PostgresStore } from '../postgres/postgres-store';
import { SqliteStore } from '../sqlite/sqlite-store';
import type { Store } from '../store';

/** Runs one SELECT (in SQL both stores read alike) on either store and returns its rows, for tests. */
export async function selectRows<Row>(store: Store, sql: string): Promise<Row[]> {
  if (store instanceof SqliteStore) return store.db.prepare(sql).all() as Row[];
  if (store instanceof PostgresStore) return (await store.pool.query(sql)).rows as Row[];
  throw new Error(`selectRows: unknown store ${store.kind}`);
}

/** How many rows a table of the store holds (0 for a table not created yet), for tests of either store. */
export async function countRows(store: Store, table: string): Promise<number> {
  try {
    const [row] = await selectRows<{ n: number }>(store, `SELECT count(*) AS n FROM ${quoteIdentifier(table)}`);
    return row?.n ?? 0;
  } catch (error) {
    if (/no such table|does not exist/.test(String(error))) return 0;
    throw error;
  }
}
