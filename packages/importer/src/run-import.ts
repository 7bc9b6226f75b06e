import { createReadStream } from 'node:fs';
import type { Database, JobStore, RowError } from '@jobstream/storage';
import { parse } from 'csv-parse';
import { EntityWriter } from './entity-writer';
import { checkHeader } from './header';
import { describeParseError, ImportFailure } from './import-failure';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits';
import { recordBatches } from './record-batches';
import type { ImportTemplate, ValidRow } from './templates/define-template';

/** Counts of an import so far; exact once it has finished. */
export interface ImportCounts {
  processed: number;
  /** Data rows expected: estimated up front from the file's lines, exact at the end. */
  total: number;
  inserted: number;
  updated: number;
  failed: number;
  /** The first row errors, as `Row N: field: message` (at most `maxErrorsInEvent`). */
  errors: string[];
}

/** What one import reads, where it writes, and whom it tells. */
export interface RunImportOptions {
  jobId: string;
  template: ImportTemplate;
  /** Path of the uploaded CSV file. */
  file: string;
  /** Rows expected, from `estimateDataRows`; refined to the exact count at the end. */
  estimatedRows: number;
  db: Database;
  jobs: JobStore;
  /** Called at a bounded rate while rows are processed, and once at the end with the exact counts. */
  onProgress?: (counts: Readonly<ImportCounts>) => void;
  signal?: AbortSignal;
  limits?: Partial<ImportLimits>;
}

/** Adds `key` to `keys` in one hash lookup (the set can hold millions); false when it was already there. */
function addKey(keys: Set<string>, key: string): boolean {
  const before = keys.size;
  keys.add(key);
  return keys.size !== before;
}

/** Parses, validates and stores one CSV file; resolves with exact counts, rejects with an `ImportFailure` or an abort. */
export async function runImport(options: RunImportOptions): Promise<ImportCounts> {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const { jobId, template, signal, onProgress } = options;
  const names = template.headers;
  const writer = new EntityWriter(options.db, template, options.jobs);
  const counts: ImportCounts = {
    processed: 0,
    total: options.estimatedRows,
    inserted: 0,
    updated: 0,
    failed: 0,
    errors: [],
  };
  const seenKeys = new Set<string>();
  let rows: ValidRow[] = [];
  let rejected: RowError[] = [];
  let header: string[] | undefined;
  let positions: number[] = [];
  let lastReport = Date.now();

  const flush = () => {
    if (rows.length === 0 && rejected.length === 0) return;
    const written = writer.write(jobId, rows, rejected);
    counts.inserted += written.inserted;
    counts.updated += written.updated;
    rows = [];
    rejected = [];
  };
  const reject = (row: number, messages: string[], cells: string[]) => {
    counts.failed++;
    const message = messages.map((m) => `Row ${row}: ${m}`).join('; ');
    rejected.push({ row, message, cells: positions.map((at) => cells[at] ?? '') });
    for (const m of messages)
      if (counts.errors.length < limits.maxErrorsInEvent) counts.errors.push(`Row ${row}: ${m}`);
  };

  const parser = createReadStream(options.file).pipe(
    parse({ bom: true, relax_column_count: true, skip_empty_lines: true, max_record_size: limits.maxRowBytes }),
  );
  try {
    for await (const batch of recordBatches<string[]>(parser)) {
      for (const cells of batch) {
        signal?.throwIfAborted();
        if (!header) {
          header = checkHeader(template, cells);
          positions = template.headers.map((name) => (header as string[]).indexOf(name));
          continue;
        }
        const row = counts.processed + 1;
        if (row > limits.maxRows) throw new ImportFailure(`The file has more than ${limits.maxRows} rows`);
        counts.processed = row;
        if (cells.length !== header.length) {
          reject(row, [`expected ${header.length} columns, got ${cells.length}`], cells);
        } else {
          // Keyed by the template's own names (the header is a permutation of them): constant strings make
          // every row's record the same shape, which the file's header strings would not.
          const record: Record<string, string> = {};
          for (let i = 0; i < names.length; i++) record[names[i] as string] = cells[positions[i] as number] as string;
          const result = template.validate(record);
          if (!result.ok) reject(row, result.errors, cells);
          else if (!addKey(seenKeys, result.key)) reject(row, [`${template.key}: duplicate of an earlier row`], cells);
          else rows.push(result.row);
        }
        if (rows.length + rejected.length >= limits.batchSize) flush();
        if (onProgress && (row & 63) === 0 && Date.now() - lastReport >= limits.progressIntervalMs) {
          flush();
          lastReport = Date.now();
          counts.total = Math.max(counts.total, counts.processed);
          onProgress(counts);
        }
      }
    }
  } catch (error) {
    parser.destroy();
    if (error instanceof ImportFailure || signal?.aborted) throw error;
    throw new ImportFailure(describeParseError(error));
  }
  if (!header) throw new ImportFailure('The file is empty');
  flush();
  counts.total = counts.processed;
  onProgress?.(counts);
  return counts;
}
