import type { PoolLimits } from './postgres/pool';
import { PostgresStore } from './postgres/postgres-store';
import { SqliteStore } from './sqlite/sqlite-store';
import type { Store } from './store';

/** Where the store is: PostgreSQL when `databaseUrl` is set, else the SQLite file at `databasePath`. */
export interface StoreLocation {
  /** `postgres://…`: the shared store. */
  databaseUrl?: string;
  /** The SQLite file, used when `databaseUrl` is absent. */
  databasePath: string;
  pool?: Partial<PoolLimits>;
  onConnectionError?: (error: Error) => void;
}

/** Opens the store the configuration names, with its schema up to date. */
export async function openStore(location: StoreLocation): Promise<Store> {
  if (location.databaseUrl) {
    return PostgresStore.open({
      url: location.databaseUrl,
      ...(location.pool ? { pool: location.pool } : {}),
      ...(location.onConnectionError ? { onConnectionError: location.onConnectionError } : {}),
    });
  }
  return SqliteStore.open(location.databasePath);
}
