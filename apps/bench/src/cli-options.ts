import { parseArgs } from 'node:util';
import type { ImportStore, ServerScenarioId } from './results';
import { SERVER_SCENARIOS } from './run-server-scenarios';
import { isServerKind, SERVER_KINDS, type ServerKind } from './server-kinds';
import { FULL, QUICK, type Sizes } from './sizes';

/** What one invocation runs. */
export interface CliOptions {
  mode: 'quick' | 'full';
  sizes: Sizes;
  servers: ServerKind[];
  scenarios: ServerScenarioId[];
  /** Run S4. */
  imports: boolean;
  /** The stores S4 imports into. */
  stores: ImportStore[];
  /** Results file; default bench-results/<mode>-<time>.json. */
  out?: string;
  /** Write a CPU profile of every server process into bench-results/profiles/. */
  profile: boolean;
}

/** The stores S4 imports into, in run order. */
const IMPORT_STORES: readonly ImportStore[] = ['sqlite', 'postgres'];

/** Usage text, shown with option errors. */
const USAGE = `Usage: bench [--quick] [--servers=${SERVER_KINDS.join(',')}] [--scenarios=${[...SERVER_SCENARIOS, 'S4'].join(',')}] [--stores=${IMPORT_STORES.join(',')}] [--out=file.json] [--profile]`;

function list(value: string | undefined): string[] | undefined {
  return value
    ?.split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

/** Parses the command line (a bare `--` from `pnpm bench -- --quick` is ignored). */
export function parseCliOptions(argv: readonly string[]): CliOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--'),
    options: {
      quick: { type: 'boolean', default: false },
      servers: { type: 'string' },
      scenarios: { type: 'string' },
      stores: { type: 'string' },
      out: { type: 'string' },
      profile: { type: 'boolean', default: false },
    },
  });
  const servers = list(values.servers) ?? [...SERVER_KINDS];
  const unknownServer = servers.find((name) => !isServerKind(name));
  if (unknownServer) throw new Error(`unknown server "${unknownServer}"\n${USAGE}`);
  const scenarios = list(values.scenarios) ?? [...SERVER_SCENARIOS, 'S4'];
  const unknownScenario = scenarios.find(
    (name) => name !== 'S4' && !SERVER_SCENARIOS.includes(name as ServerScenarioId),
  );
  if (unknownScenario) throw new Error(`unknown scenario "${unknownScenario}"\n${USAGE}`);
  const stores = list(values.stores) ?? [...IMPORT_STORES];
  const unknownStore = stores.find((name) => !IMPORT_STORES.includes(name as ImportStore));
  if (unknownStore) throw new Error(`unknown store "${unknownStore}"\n${USAGE}`);
  return {
    mode: values.quick ? 'quick' : 'full',
    sizes: values.quick ? QUICK : FULL,
    servers: SERVER_KINDS.filter((kind) => servers.includes(kind)),
    scenarios: SERVER_SCENARIOS.filter((id) => scenarios.includes(id)),
    imports: scenarios.includes('S4'),
    stores: IMPORT_STORES.filter((store) => stores.includes(store)),
    profile: values.profile,
    ...(values.out ? { out: values.out } : {}),
  };
}
