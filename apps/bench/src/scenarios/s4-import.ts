import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportApi, ImportDatabase, ImportRun } from '../import/import-api';
import { ensureUsersCsv } from '../import/users-csv';
import { connectChild, stopChild } from '../ipc/child-peer';
import { forkTs } from '../ipc/fork-ts';
import type { BenchResults, ImportRow, ImportStore, ImportVariant } from '../results';
import type { Sizes } from '../sizes';
import { ImportCluster } from './import-cluster';

const IMPORT_ENTRY = new URL('../import/import-entry.ts', import.meta.url);
const CSV_DIR = join(tmpdir(), 'jobstream-bench');

/** What S4 measured: every run, and the stores it could not import into, with the reason. */
export type S4Results = Required<Pick<BenchResults, 'imports' | 'importsNotMeasured'>>;

/** Run order of a round: the anchor, then the engine without and with progress, swapped every other round. */
function variantsOfRound(round: number): ImportVariant[] {
  const engine: ImportVariant[] = ['engine-progress-off', 'engine-progress-on'];
  return ['bare-loop', ...(round % 2 === 0 ? engine : engine.reverse())];
}

/** A fresh database for one run; disposing drops it (the SQLite file is the import process's own, removed by it). */
async function freshDatabase(
  store: ImportStore,
  cluster: ImportCluster | undefined,
): Promise<{ database: ImportDatabase } & AsyncDisposable> {
  if (store === 'sqlite') return { database: { store }, [Symbol.asyncDispose]: async () => {} };
  if (!cluster) throw new Error('no PostgreSQL cluster');
  const schema = await cluster.freshSchema();
  // A schema that cannot be dropped (the cluster is stopping, say) goes with the cluster's folder at the end.
  return { database: { store, url: schema.url }, [Symbol.asyncDispose]: () => schema.drop().catch(() => {}) };
}

/** One run in a fresh import process, stopped afterwards. */
async function runInChild(params: Parameters<ImportApi['run']>[0]): Promise<ImportRun> {
  const child = forkTs(IMPORT_ENTRY);
  try {
    const { peer, ready } = connectChild<ImportApi, 'importReady'>({
      child,
      name: 'import process',
      readyNotice: 'importReady',
    });
    await ready;
    return await peer.call('run', params);
  } finally {
    await stopChild(child);
  }
}

async function runOnce(
  store: ImportStore,
  variant: ImportVariant,
  options: { file: string; rows: number; cluster: ImportCluster | undefined },
): Promise<ImportRow> {
  try {
    await using fresh = await freshDatabase(store, options.cluster);
    const run = await runInChild({ variant, database: fresh.database, file: options.file, expectedRows: options.rows });
    return {
      store,
      variant,
      rows: run.rows,
      elapsedMs: run.elapsedMs,
      rowsPerSec: run.rows / (run.elapsedMs / 1000),
      rowsPerCpuSec: run.rows / (run.cpuMs / 1000),
      ...(run.events === undefined ? {} : { events: run.events }),
      ...(run.reportingMs === undefined ? {} : { reportingMs: run.reportingMs }),
      check: { ok: run.problems.length === 0, problems: run.problems },
    };
  } catch (error) {
    const problem = `did not run: ${error instanceof Error ? error.message : String(error)}`;
    const check = { ok: false, problems: [problem] };
    return { store, variant, rows: 0, elapsedMs: 0, rowsPerSec: Number.NaN, rowsPerCpuSec: Number.NaN, check };
  }
}

/**
 * S4: imports a generated users CSV into each store with each variant, every run in a fresh process and a fresh
 * database (a SQLite file; a schema of one throwaway PostgreSQL cluster, started here and stopped on every way out),
 * `repeats` rounds. PostgreSQL's runs are reported as not measured, with the reason, when no cluster can start.
 */
export async function runS4Import(options: {
  sizes: Sizes['s4'];
  stores: readonly ImportStore[];
  log: (line: string) => void;
}): Promise<S4Results> {
  const { rows, repeats } = options.sizes;
  const file = await ensureUsersCsv({ rows, dir: CSV_DIR });
  const importsNotMeasured: S4Results['importsNotMeasured'] = [];
  const started = options.stores.includes('postgres')
    ? await ImportCluster.start().catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
    : undefined;
  if (started instanceof Error) {
    importsNotMeasured.push({ store: 'postgres', reason: `no PostgreSQL cluster: ${started.message}` });
    options.log(`S4 postgres: not measured (${started.message})`);
  }
  await using cluster = started instanceof Error ? undefined : started;
  const stores = options.stores.filter((store) => store !== 'postgres' || cluster);
  const imports: ImportRow[] = [];
  for (let round = 0; round < repeats; round++) {
    for (const store of stores) {
      for (const variant of variantsOfRound(round)) {
        if (store === 'postgres' && cluster?.stopped) break;
        const row = await runOnce(store, variant, { file, rows, cluster });
        imports.push(row);
        const status = row.check.ok ? 'ok' : `FAIL (${row.check.problems.join('; ')})`;
        options.log(`S4 ${store} ${variant}: ${(row.elapsedMs / 1000).toFixed(1)} s, ${status}`);
      }
    }
  }
  return { imports, importsNotMeasured };
}
