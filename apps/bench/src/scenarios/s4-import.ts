import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ImportApi } from '../import/import-api';
import { ensureUsersCsv } from '../import/users-csv';
import { connectChild, stopChild } from '../ipc/child-peer';
import { forkTs } from '../ipc/fork-ts';
import type { ImportRow, ImportVariant } from '../results';
import type { Sizes } from '../sizes';

const IMPORT_ENTRY = new URL('../import/import-entry.ts', import.meta.url);
const CSV_DIR = join(tmpdir(), 'jobstream-bench');

/** Run order of a round: the anchor, then the engine without and with progress, swapped every other round. */
function variantsOfRound(round: number): ImportVariant[] {
  const engine: ImportVariant[] = ['engine-progress-off', 'engine-progress-on'];
  return ['bare-loop', ...(round % 2 === 0 ? engine : engine.reverse())];
}

async function runOnce(variant: ImportVariant, file: string, rows: number): Promise<ImportRow> {
  const child = forkTs(IMPORT_ENTRY);
  const { peer, ready } = connectChild<ImportApi, 'importReady'>({
    child,
    name: 'import process',
    readyNotice: 'importReady',
  });
  try {
    await ready;
    const run = await peer.call('run', { variant, file, expectedRows: rows });
    return {
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
    return { variant, rows: 0, elapsedMs: 0, rowsPerSec: Number.NaN, rowsPerCpuSec: Number.NaN, check };
  } finally {
    await stopChild(child);
  }
}

/** S4: imports a generated users CSV with each variant in a fresh process and a fresh database, `repeats` rounds. */
export async function runS4Import(options: { sizes: Sizes['s4']; log: (line: string) => void }): Promise<ImportRow[]> {
  const { rows, repeats } = options.sizes;
  const file = await ensureUsersCsv({ rows, dir: CSV_DIR });
  const results: ImportRow[] = [];
  for (let round = 0; round < repeats; round++) {
    for (const variant of variantsOfRound(round)) {
      const row = await runOnce(variant, file, rows);
      results.push(row);
      const status = row.check.ok ? 'ok' : `FAIL (${row.check.problems.join('; ')})`;
      options.log(`S4 ${variant}: ${(row.elapsedMs / 1000).toFixed(1)} s, ${status}`);
    }
  }
  return results;
}
