export { countRows, selectRows } from './count-rows';
export { createSchema, type PostgresCluster, startPostgresCluster } from './postgres-cluster';
export { type StoreKind, type TestStoreLocation, testStoreLocation } from './test-store';
