/** Where the e2e supervisor (`harness/api-supervisor.ts`) takes orders; set by playwright.config.ts. */
const CONTROL_URL = `http://127.0.0.1:${process.env.E2E_CONTROL_PORT}`;

async function control(path: string): Promise<void> {
  const response = await fetch(`${CONTROL_URL}${path}`, { method: 'POST' });
  if (response.status !== 204) throw new Error(`${path}: ${response.status} ${await response.text()}`);
}

/** Stops the API server process as a deploy would (SIGTERM: running imports end interrupted); resolves once it has exited. */
export function stopApi(): Promise<void> {
  return control('/stop');
}

/** Starts the API server process again on the same port and database (a no-op while it runs); resolves once it listens. */
export function startApi(): Promise<void> {
  return control('/start');
}

/** Makes every import wait once it has committed at least `rows` rows, until `releaseImports` (or a cancel or stop). */
export function holdImportsAt(rows: number): Promise<void> {
  return control(`/hold?rows=${rows}`);
}

/** Resolves once an import waits at the point `holdImportsAt` set (at once if one already does). */
export function importHeld(): Promise<void> {
  return control('/held');
}

/** Lets held imports go on, and new ones run freely. */
export function releaseImports(): Promise<void> {
  return control('/release');
}
