import { parseArgs } from 'node:util';
import type { ServerScenarioId } from './results';
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
  /** Results file; default bench-results/<mode>-<time>.json. */
  out?: string;
  /** Write a CPU profile of every server process into bench-results/profiles/. */
  profile: boolean;
}

/** Usage text, shown with option errors. */
const USAGE = `Usage: bench [--quick] [--servers=${SERVER_KINDS.join(',')}] [--scenarios=S1,S1-latency,S2,S3,S4] [--out=file.json] [--profile]`;

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
  return {
    mode: values.quick ? 'quick' : 'full',
    sizes: values.quick ? QUICK : FULL,
    servers: SERVER_KINDS.filter((kind) => servers.includes(kind)),
    scenarios: SERVER_SCENARIOS.filter((id) => scenarios.includes(id)),
    imports: scenarios.includes('S4'),
    profile: values.profile,
    ...(values.out ? { out: values.out } : {}),
  };
}
