import { createReadStream } from 'node:fs';
import { DEFAULT_IMPORT_LIMITS } from './limits';
import { RejectedFileError } from './rejected-file';

/** What the scan before an import found. */
export interface CsvScan {
  /** Data rows the file can hold at most (lines minus the header): the upfront `total`, refined at the end. */
  dataRows: number;
  /** True when the file holds nothing but a BOM, spaces, tabs and line ends. */
  blank: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const QUOTE = 0x22;
const COMMA = 0x2c;

function hasBom(chunk: Buffer): boolean {
  return chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf;
}

/** True when `chunk` from `from` on holds only spaces, tabs and line ends. */
function onlyBlank(chunk: Buffer, from: number): boolean {
  for (let at = from; at < chunk.length; at++) {
    const byte = chunk[at];
    if (byte !== SPACE && byte !== TAB && byte !== LF && byte !== CR) return false;
  }
  return true;
}

function tooWide(record: number, maxColumns: number): RejectedFileError {
  const which = record === 1 ? 'The header' : `Row ${record - 1}`;
  return new RejectedFileError(`${which} has too many columns (more than ${maxColumns})`);
}

/**
 * Reads a CSV file once, byte by byte and without parsing it: counts its lines, tells whether it is blank, and
 * counts each record's cells (commas outside quotes), refusing the file at the first record wider than `maxColumns`
 * before a parser could build it in memory. Records are numbered as the importer numbers them (empty lines skipped).
 */
export async function scanCsvFile(path: string, options: { maxColumns: number }): Promise<CsvScan> {
  const { maxColumns } = options;
  let lines = 0;
  let last = LF;
  let first = true;
  let blank = true;
  let quoted = false;
  /** Records ended so far, empty lines aside. */
  let records = 0;
  let cells = 1;
  /** Whether the record being read had bytes in an earlier chunk. */
  let carried = false;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    const from = first && hasBom(chunk) ? 3 : 0;
    first = false;
    if (blank) blank = onlyBlank(chunk, from);
    /** Where the record being read starts in this chunk. */
    let recordStart = from;
    const length = chunk.length;
    for (let at = from; at < length; at++) {
      const byte = chunk[at] as number;
      // Letters, digits and most punctuation: nothing to do, so they are let through first.
      if (byte > COMMA) continue;
      if (byte === COMMA) {
        if (!quoted && ++cells > maxColumns) throw tooWide(records + 1, maxColumns);
      } else if (byte === QUOTE) {
        quoted = !quoted;
      } else if (byte === LF || byte === CR) {
        if (byte === LF) lines++;
        if (quoted) continue;
        if (carried || at > recordStart) records++;
        carried = false;
        recordStart = at + 1;
        cells = 1;
      }
    }
    carried ||= recordStart < length;
    if (length > 0) last = chunk[length - 1] as number;
  }
  if (last !== LF) lines++;
  return { dataRows: Math.max(0, lines - 1), blank };
}

/** Data rows a CSV file can hold at most, by the same scan the import service runs (refusing over-wide rows). */
export async function estimateDataRows(path: string): Promise<number> {
  return (await scanCsvFile(path, { maxColumns: DEFAULT_IMPORT_LIMITS.maxColumns })).dataRows;
}
