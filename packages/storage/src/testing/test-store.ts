import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreLocation } from '../open-store';
import { createSchema } from './postgres-cluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The throwaway PostgreSQL cluster's database URL; each test makes a schema of its own in it. */
    postgresUrl: string;
    /** The store a project's suites run against (a vitest `provide` in the config). */
    storeKind: StoreKind;
  }
}

/** The stores a suite can run against. */
export type StoreKind = 'sqlite' | 'postgres';

/** An empty place for one test's store: a SQLite file in a new folder, or a new PostgreSQL schema. */
export interface TestStoreLocation extends AsyncDisposable {
  kind: StoreKind;
  /** What `openStore` (or a server's configuration) takes. */
  location: StoreLocation;
}

/**
 * A fresh, empty store location of `kind`; `postgresUrl` (a cluster's, from `startPostgresCluster`) is required for
 * PostgreSQL. Disposing removes the file or drops the schema; close every store opened on it first.
 */
export async function testStoreLocation(kind: StoreKind, postgresUrl?: string): Promise<TestStoreLocation> {
  const dir = await mkdtemp(join(tmpdir(), 'jobstream-store-'));
  const databasePath = join(dir, 'jobstream.db');
  const removeDir = () => rm(dir, { recursive: true, force: true });
  if (kind === 'sqlite') {
    return { kind, location: { databasePath }, [Symbol.asyncDispose]: removeDir };
  }
  if (!postgresUrl) throw new Error('testStoreLocation: a PostgreSQL cluster URL is required');
  const schema = await createSchema(postgresUrl);
  return {
    kind,
    location: { databaseUrl: schema.url, databasePath },
    async [Symbol.asyncDispose]() {
      await schema.drop();
      await removeDir();
    },
  };
}
