import type { TestProject } from 'vitest/node';
import { startPostgresCluster } from './postgres-cluster';
// For its declaration of the values vitest provides to tests (`postgresUrl`, `storeKind`).
import './test-store';

/** A vitest `globalSetup`: one throwaway PostgreSQL cluster for the run, provided as `postgresUrl`, stopped after. */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const cluster = await startPostgresCluster();
  project.provide('postgresUrl', cluster.url);
  return () => cluster.stop();
}
