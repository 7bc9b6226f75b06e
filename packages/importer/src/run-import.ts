import { setTimeout as sleep } from 'node:timers/promises';
import type { ImportRow, RowError, Store } from '@jobstream/storage';
import { abortableWait } from './abortable-wait';
import { columnCountErrors } from './column-count';
import { csvRecordBatches } from './csv/csv-records';
import { checkHeader } from './header';
import { asImportFailure, ImportFailure } from './import-failure';
import { DEFAULT_IMPORT_LIMITS, type ImportLimits } from './limits';
import type { ImportTemplate } from './templates/define-template';

/** Counts of the rows an import has committed so far (rows read but not yet written are not counted); exact at the end. */
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
  /** Rows expected, from the pre-job scan (`scanCsvFile`, or `estimateDataRows`); refined to the exact count at the end. */
  estimatedRows: number;
  /** Where the rows (and the rejected ones) are written, one transaction per batch. */
  store: Pick<Store, 'openImport'>;
  /** Called at a bounded rate while rows are processed, and once at the end with the exact counts; awaited. */
  onProgress?: (counts: Readonly<ImportCounts>) => void | Promise<void>;
  /**
   * Called after each batch is committed, with the counts of everything committed so far; a returned promise is
   * awaited before the next row is read (an abort ends the wait at once).
   */
  onBatch?: (committed: Readonly<ImportCounts>) => void | Promise<void>;
  signal?: AbortSignal;
  limits?: Partial<ImportLimits>;
}

/** One rejected row's reasons, as the progress events list them (`Row N: reason`). */
interface ReportedError {
  row: number;
  reasons: string[];
}

/** Two row-ordered lists of rejected rows as one, in row order. */
function inRowOrder(a: readonly ReportedError[], b: readonly ReportedError[]): ReportedError[] {
  const merged: ReportedError[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && (a[i] as ReportedError).row <= (b[j] as ReportedError).row);
    merged.push(next ? (a[i++] as ReportedError) : (b[j++] as ReportedError));
  }
  return merged;
}

/**
 * Parses, validates and stores one CSV file; resolves with exact counts, rejects with an `ImportFailure` or an abort.
 * Rows are committed in batches: a failure or an abort discards the batch being read, and the counts passed to
 * `onBatch` and `onProgress` only ever describe committed rows.
 */
export async function runImport(options: RunImportOptions): Promise<ImportCounts> {
  const limits = { ...DEFAULT_IMPORT_LIMITS, ...options.limits };
  const { jobId, template, signal, onProgress, onBatch } = options;
  const names = template.headers;
  const writer = await options.store.openImport(jobId, template.entity);
  const counts: ImportCounts = {
    processed: 0,
    total: options.estimatedRows,
    inserted: 0,
    updated: 0,
    failed: 0,
    errors: [],
  };
  /** Data rows read so far, committed or not. */
  let read = 0;
  let rows: ImportRow[] = [];
  let rejected: RowError[] = [];
  /** The reasons of this batch's invalid rows; duplicates join them when the batch is written. */
  let invalid: ReportedError[] = [];
  let header: string[] | undefined;
  let positions: number[] = [];
  let lastReport = Date.now();

  const duplicateReason = [`${template.key}: duplicate of an earlier row`];
  /** Commits the rows read since the last flush; true when there were any. */
  const flush = async (): Promise<boolean> => {
    if (rows.length === 0 && rejected.length === 0) return false;
    const written = await writer.write({ rows, rejected, positions });
    counts.processed = read;
    counts.inserted += written.inserted;
    counts.updated += written.updated;
    counts.failed += rejected.length + written.duplicates.length;
    const duplicates = written.duplicates.map(({ row }) => ({ row, reasons: duplicateReason }));
    for (const { row, reasons } of inRowOrder(invalid, duplicates)) {
      for (const reason of reasons)
        if (counts.errors.length < limits.maxErrorsInEvent) counts.errors.push(`Row ${row}: ${reason}`);
    }
    rows = [];
    rejected = [];
    invalid = [];
    return true;
  };
  const startedAt = Date.now();
  /** After a batch is committed: tells `onBatch` and waits for its pause, then for the pace `rowsPerSecond` sets. */
  const committed = async (): Promise<void> => {
    const pause = onBatch?.(counts);
    if (pause) await abortableWait(pause, signal);
    if (limits.rowsPerSecond > 0) {
      const due = startedAt + (counts.processed / limits.rowsPerSecond) * 1000 - Date.now();
      if (due > 0) await sleep(due, undefined, { signal });
    }
  };
  const reject = (row: number, reasons: string[], cells: string[]) => {
    const message = reasons.map((reason) => `Row ${row}: ${reason}`).join('; ');
    rejected.push({ row, message, cells: positions.map((at) => cells[at] ?? '') });
    invalid.push({ row, reasons });
  };

  const records = csvRecordBatches(options.file, {
    maxColumns: limits.maxColumns,
    maxRowLength: limits.maxRowLength,
  });
  try {
    for await (const batch of records) {
      for (const cells of batch) {
        signal?.throwIfAborted();
        if (!header) {
          header = checkHeader(template, cells);
          positions = template.headers.map((name) => (header as string[]).indexOf(name));
          continue;
        }
        const row = read + 1;
        if (row > limits.maxRows) throw new ImportFailure(`The file has more than ${limits.maxRows} rows`);
        read = row;
        if (cells.length !== header.length) {
          reject(row, columnCountErrors(header, cells.length), cells);
        } else {
          // Keyed by the template's own names (the header is a permutation of them): constant strings make
          // every row's record the same shape, which the file's header strings would not.
          const record: Record<string, string> = {};
          for (let i = 0; i < names.length; i++) record[names[i] as string] = cells[positions[i] as number] as string;
          const result = template.validate(record);
          if (!result.ok) reject(row, result.errors, cells);
          else rows.push({ row, values: result.row, cells });
        }
        let wrote = rows.length + rejected.length >= limits.batchSize && (await flush());
        if (onProgress && (row & 63) === 0 && Date.now() - lastReport >= limits.progressIntervalMs) {
          wrote = (await flush()) || wrote;
          lastReport = Date.now();
          counts.total = Math.max(counts.total, counts.processed);
          await onProgress(counts);
        }
        if (wrote) await committed();
      }
    }
    if (!header) throw new ImportFailure('The file is empty');
    if (await flush()) await committed();
  } catch (error) {
    throw asImportFailure(error, limits.maxColumns);
  } finally {
    await writer.close();
  }
  counts.total = counts.processed;
  await onProgress?.(counts);
  return counts;
}
