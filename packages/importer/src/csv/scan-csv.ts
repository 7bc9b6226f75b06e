import { createReadStream } from 'node:fs';
import { RejectedFileError } from '../rejected-file';

/** What the scan before an import found. */
export interface CsvScan {
  /** Data rows the file can hold at most (line ends minus the header's): the upfront `total`, refined at the end. */
  dataRows: number;
  /** True when the file holds nothing but a BOM, spaces, tabs and line ends. */
  blank: boolean;
}

const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const NUL = 0x00;

/** Byte order marks of the encodings that are not accepted, by what to call them. */
const FOREIGN_MARKS: ReadonlyArray<[string, readonly number[]]> = [
  ['UTF-32', [0x00, 0x00, 0xfe, 0xff]],
  ['UTF-32', [0xff, 0xfe, 0x00, 0x00]],
  ['UTF-16', [0xfe, 0xff]],
  ['UTF-16', [0xff, 0xfe]],
];
const UTF8_BOM = [0xef, 0xbb, 0xbf];

function startsWith(chunk: Buffer, bytes: readonly number[]): boolean {
  return bytes.every((byte, at) => chunk[at] === byte);
}

function notUtf8(why: string): RejectedFileError {
  return new RejectedFileError(`The file is not UTF-8 text (${why}): save it as CSV UTF-8`);
}

/** True when `chunk` from `from` on holds only spaces, tabs and line ends. */
function onlyBlank(chunk: Buffer, from: number): boolean {
  for (let at = from; at < chunk.length; at++) {
    const byte = chunk[at];
    if (byte !== SPACE && byte !== TAB && byte !== LF && byte !== CR) return false;
  }
  return true;
}

function count(chunk: Buffer, byte: number): number {
  let found = 0;
  for (let at = chunk.indexOf(byte); at !== -1; at = chunk.indexOf(byte, at + 1)) found++;
  return found;
}

/**
 * Reads an uploaded file once, before its job exists, without parsing it: refuses anything but UTF-8 text (a
 * UTF-16 or UTF-32 byte order mark, a NUL byte, an invalid UTF-8 sequence) with a `RejectedFileError`, tells
 * whether it is blank, and counts its line ends for the upfront row estimate. Cells and quotes are the parser's
 * business alone: it enforces every limit on records while it reads them.
 */
export async function scanCsvFile(path: string): Promise<CsvScan> {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let lf = 0;
  let cr = 0;
  let last = LF;
  let first = true;
  let blank = true;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let from = 0;
    if (first) {
      first = false;
      const foreign = FOREIGN_MARKS.find(([, mark]) => startsWith(chunk, mark));
      if (foreign) throw notUtf8(`it starts with a ${foreign[0]} byte order mark`);
      if (startsWith(chunk, UTF8_BOM)) from = UTF8_BOM.length;
    }
    if (chunk.indexOf(NUL) !== -1) throw notUtf8('it contains NUL bytes, as UTF-16 text does');
    try {
      decoder.decode(chunk, { stream: true });
    } catch {
      throw notUtf8('it has bytes that are not valid UTF-8');
    }
    if (blank) blank = onlyBlank(chunk, from);
    lf += count(chunk, LF);
    if (lf === 0) cr += count(chunk, CR);
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  try {
    decoder.decode();
  } catch {
    throw notUtf8('it ends in the middle of a UTF-8 sequence');
  }
  // LF ends lines (CRLF included); a file with no LF at all may use CR alone.
  const lines = (lf > 0 ? lf : cr) + (last === LF || last === CR ? 0 : 1);
  return { dataRows: Math.max(0, lines - 1), blank };
}

/** Data rows a CSV file can hold at most, by the same scan the import service runs. */
export async function estimateDataRows(path: string): Promise<number> {
  return (await scanCsvFile(path)).dataRows;
}
