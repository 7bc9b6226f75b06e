import { cpus, loadavg } from 'node:os';
import { parseCliOptions } from './cli-options';
import { BUSY_LOAD_AVERAGE, renderReport } from './report';
import type { BenchResults } from './results';
import { PROFILES_DIR, writeResultsFile } from './results-file';
import { runServerScenarios } from './run-server-scenarios';
import { runS4Import } from './scenarios/s4-import';

const options = parseCliOptions(process.argv.slice(2));
const log = (line: string) => process.stderr.write(`${line}\n`);
const started = Date.now();
const loadAverageAtStart = loadavg()[0] ?? 0;
if (loadAverageAtStart > BUSY_LOAD_AVERAGE) {
  log(`warning: load average is ${loadAverageAtStart.toFixed(2)} before starting; other work will skew the numbers`);
}

const { servers, serversNotMeasured } = await runServerScenarios({
  scenarios: options.scenarios,
  servers: options.servers,
  sizes: options.sizes,
  log,
  ...(options.profile ? { cpuProfileDir: PROFILES_DIR } : {}),
});
const imports = options.imports
  ? await runS4Import({ sizes: options.sizes.s4, stores: options.stores, log })
  : undefined;

const results: BenchResults = {
  mode: options.mode,
  sizes: options.sizes,
  startedAt: new Date(started).toISOString(),
  elapsedMs: Date.now() - started,
  machine: {
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    loadAverageAtStart,
    loadAverageAtEnd: loadavg()[0] ?? 0,
  },
  servers,
  ...(serversNotMeasured.length > 0 ? { serversNotMeasured } : {}),
  ...imports,
};
const path = await writeResultsFile(results, options.out);
process.stdout.write(renderReport(results));
log(`results written to ${path}`);
if (options.profile) log(`server CPU profiles in ${PROFILES_DIR} (open in Chrome DevTools)`);
const failed = [...servers, ...(imports?.imports ?? [])].some((row) => !row.check.ok);
if (failed) process.exitCode = 1;
