import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchResults } from './results';

/** The package's results folder (gitignored). */
const RESULTS_DIR = fileURLToPath(new URL('../bench-results/', import.meta.url));

/** Where `--profile` puts the servers' CPU profiles. */
export const PROFILES_DIR = resolve(RESULTS_DIR, 'profiles');

/** Writes the results as JSON to `out`, or to bench-results/<mode>-<time>.json; returns the path. */
export async function writeResultsFile(results: BenchResults, out?: string): Promise<string> {
  const stamp = results.startedAt.replaceAll(':', '-').replace(/\.\d+Z$/, 'Z');
  const path = out ? resolve(out) : resolve(RESULTS_DIR, `${results.mode}-${stamp}.json`);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, `${JSON.stringify(results, null, 2)}\n`);
  return path;
}
