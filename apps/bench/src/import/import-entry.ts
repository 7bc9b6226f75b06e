import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JobStreamEvent } from '@jobstream/contracts';
import { parentChannel, RpcPeer } from '../ipc/rpc';
import type { Notices } from '../protocol';
import { runBareCopyLoop } from './bare-copy-loop';
import { runBareLoop } from './bare-loop';
import { runEngineImport } from './engine-import';
import type { ImportApi } from './import-api';

const peer = new RpcPeer<Record<string, never>, Notices>(parentChannel());

function completionProblem(last: JobStreamEvent | undefined, expectedRows: number): string | undefined {
  if (last?.event !== 'upload-completed') return 'subscriber did not receive the completion';
  if (last.payload.processed !== expectedRows) return `completion says ${last.payload.processed} rows`;
  return undefined;
}

const api: ImportApi = {
  run: async ({ variant, database, file, expectedRows }) => {
    const dir = await mkdtemp(join(tmpdir(), 'jobstream-bench-import-'));
    const dbPath = join(dir, 'import.db');
    try {
      const started = performance.now();
      const cpuAtStart = process.cpuUsage();
      const measure = () => {
        const cpu = process.cpuUsage(cpuAtStart);
        return { elapsedMs: performance.now() - started, cpuMs: (cpu.user + cpu.system) / 1000 };
      };
      const problems: string[] = [];
      if (variant === 'bare-loop') {
        const rows =
          database.store === 'postgres'
            ? await runBareCopyLoop({ file, databaseUrl: database.url })
            : await runBareLoop({ file, dbPath });
        if (rows !== expectedRows) problems.push(`${rows} of ${expectedRows} rows written`);
        return { ...measure(), rows, problems };
      }
      const progress = variant === 'engine-progress-on';
      const store =
        database.store === 'postgres' ? { databaseUrl: database.url, databasePath: dbPath } : { databasePath: dbPath };
      const outcome = await runEngineImport({ file, store, progress });
      const time = measure();
      if (outcome.rows !== expectedRows) problems.push(`${outcome.rows} of ${expectedRows} rows written`);
      if (outcome.failed > 0) problems.push(`${outcome.failed} rows rejected`);
      const completion = progress ? completionProblem(outcome.last, expectedRows) : undefined;
      if (completion) problems.push(completion);
      const reporting = outcome.reportingMs === undefined ? {} : { reportingMs: outcome.reportingMs };
      return { ...time, rows: outcome.rows, events: outcome.events, ...reporting, problems };
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};

peer.serve(api);
process.once('disconnect', () => process.exit(0));
peer.notify('importReady', {});
