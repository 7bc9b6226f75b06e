import { rm } from 'node:fs/promises';

/** Removes the API server's temporary data directory (database and spooled uploads) if the config created it. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.E2E_DATA_DIR;
  if (dir && process.env.E2E_DATA_DIR_OWNED === '1') await rm(dir, { recursive: true, force: true });
}
