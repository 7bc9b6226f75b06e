import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

/** The name the upload route gives a spooled file: `<job UUID>.csv`. */
export const SPOOLED_UPLOAD = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.csv$/;

/** The spooled file of the upload of job `jobId` in `spoolDir`. */
export function spoolFile(spoolDir: string, jobId: string): string {
  return join(spoolDir, `${jobId}.csv`);
}

/**
 * Deletes the uploads a previous process spooled and never imported (it died first): every file in `spoolDir`
 * named as the upload route names them, nothing else. Call at start-up, before any upload; returns how many.
 */
export function removeOrphanedUploads(spoolDir: string): number {
  let names: string[];
  try {
    names = readdirSync(spoolDir);
  } catch {
    return 0;
  }
  const orphans = names.filter((name) => SPOOLED_UPLOAD.test(name));
  for (const name of orphans) rmSync(join(spoolDir, name), { force: true });
  return orphans.length;
}
