/** Bounds the parser enforces while it builds each record, so no record can grow past them in memory. */
export interface CsvParserLimits {
  /** Most cells in one record; the next one fails the parse. */
  maxColumns: number;
  /** Most characters in one record: its cells plus one per delimiter. */
  maxRowLength: number;
}

/** What made a file unparsable. */
export type CsvSyntaxCode =
  | 'QUOTE_NOT_CLOSED'
  | 'QUOTE_IN_UNQUOTED_FIELD'
  | 'CHARACTER_AFTER_QUOTE'
  | 'ROW_TOO_LONG'
  | 'TOO_MANY_COLUMNS';

/** A file that is not CSV as this parser reads it, or a record over a limit; says where. */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
  constructor(
    readonly code: CsvSyntaxCode,
    /** The line (from 1) where the record at fault starts. */
    readonly line: number,
    /** The record at fault, counted from 0 (the header) with empty lines skipped. */
    readonly record: number,
  ) {
    super(`${code} in record ${record} at line ${line}`);
  }
}

const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const COMMA = 0x2c;
const BOM = 0xfeff;

/** Where the parser stands between two characters. */
type Mode = typeof CELL_START | typeof UNQUOTED | typeof QUOTED | typeof QUOTE_IN_QUOTED | typeof AFTER_CR;
/** At the start of a cell: a quote here opens a quoted cell. */
const CELL_START = 0;
/** Inside an unquoted cell. */
const UNQUOTED = 1;
/** Inside a quoted cell. */
const QUOTED = 2;
/** Right after a quote inside a quoted cell: a second quote is an escaped one, anything else closes the cell. */
const QUOTE_IN_QUOTED = 3;
/** Right after a CR that ended a record: an LF here belongs to the same line end. */
const AFTER_CR = 4;

/** Line ends in `text[from, to)`: each LF, and each CR not followed by an LF. */
function lineEnds(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = from; at < to; at++) {
    const code = text.charCodeAt(at);
    if (code === LF || (code === CR && text.charCodeAt(at + 1) !== LF)) count++;
  }
  return count;
}

/**
 * A streaming CSV parser (RFC 4180: comma-separated, `"`-quoted cells with `""` for a quote) that enforces its
 * limits while each record is built: a cell past `maxColumns` or a record past `maxRowLength` characters fails
 * the parse before it is kept, so memory per record is bounded whatever the input. CRLF, LF and CR each end a
 * record (mixed freely), a leading BOM is dropped, and empty lines are skipped. Text is fed in pieces of any size
 * (split anywhere); records are returned as soon as they are complete.
 */
export class CsvParser {
  private mode: Mode = CELL_START;
  private cells: string[] = [];
  /** The current cell's text read so far in earlier pieces (or, for a quoted cell, with its escapes resolved). */
  private pending = '';
  /** Characters of the current record before `pending`. */
  private length = 0;
  private line = 1;
  private recordLine = 1;
  private records = 0;
  private started = false;

  constructor(private readonly limits: CsvParserLimits) {}

  /** Parses the next piece of text; returns the records it completed, in order. */
  write(text: string): string[][] {
    const records: string[][] = [];
    const end = text.length;
    let at = 0;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === BOM) at = 1;
    }
    while (at < end) {
      switch (this.mode) {
        case AFTER_CR:
          this.mode = CELL_START;
          if (text.charCodeAt(at) === LF) at++;
          break;
        case CELL_START:
          if (text.charCodeAt(at) === QUOTE) {
            this.mode = QUOTED;
            at++;
            break;
          }
          this.mode = UNQUOTED;
          at = this.unquoted(text, at, records);
          break;
        case UNQUOTED:
          at = this.unquoted(text, at, records);
          break;
        case QUOTED: {
          const quote = text.indexOf('"', at);
          const stop = quote === -1 ? end : quote;
          this.line += lineEnds(text, at, stop);
          this.pending += text.slice(at, stop);
          this.checkLength();
          this.mode = quote === -1 ? QUOTED : QUOTE_IN_QUOTED;
          at = stop + (quote === -1 ? 0 : 1);
          break;
        }
        case QUOTE_IN_QUOTED: {
          const code = text.charCodeAt(at);
          if (code === QUOTE) {
            this.pending += '"';
            this.mode = QUOTED;
          } else if (code === COMMA) {
            this.endCell(this.pending, 3);
            this.mode = CELL_START;
          } else if (code === LF || code === CR) {
            this.endCell(this.pending, 2);
            this.endRecord(code, records);
          } else {
            throw this.error('CHARACTER_AFTER_QUOTE');
          }
          at++;
          break;
        }
      }
    }
    return records;
  }

  /** Ends the input; returns the last record if it had no line end. Throws if a quoted cell is still open. */
  end(): string[][] {
    const records: string[][] = [];
    if (this.mode === QUOTED) throw this.error('QUOTE_NOT_CLOSED');
    if (this.mode === QUOTE_IN_QUOTED) {
      this.endCell(this.pending, 2);
      records.push(this.takeRecord());
    } else if (this.mode === UNQUOTED || (this.mode === CELL_START && this.cells.length > 0)) {
      this.endCell(this.pending, 0);
      records.push(this.takeRecord());
    }
    this.mode = CELL_START;
    return records;
  }

  /** Reads an unquoted cell from `at` up to its delimiter or the end of `text`; returns where to go on. */
  private unquoted(text: string, at: number, records: string[][]): number {
    const end = text.length;
    let stop = at;
    let code = 0;
    for (; stop < end; stop++) {
      code = text.charCodeAt(stop);
      if (code === COMMA || code === LF || code === CR || code === QUOTE) break;
    }
    if (stop === end) {
      this.pending += text.slice(at, end);
      this.checkLength();
      return end;
    }
    if (code === QUOTE) throw this.error('QUOTE_IN_UNQUOTED_FIELD');
    const emptyLine = code !== COMMA && stop === at && this.pending === '' && this.cells.length === 0;
    if (emptyLine) {
      this.line++;
      this.recordLine = this.line;
      this.mode = code === CR ? AFTER_CR : CELL_START;
      return stop + 1;
    }
    this.endCell(this.pending + text.slice(at, stop), 1);
    if (code === COMMA) this.mode = CELL_START;
    else this.endRecord(code, records);
    return stop + 1;
  }

  /** Adds a finished cell (`extra`: its quotes and delimiter, counted in the record's length). */
  private endCell(value: string, extra: number): void {
    if (this.cells.length >= this.limits.maxColumns) throw this.error('TOO_MANY_COLUMNS');
    this.length += value.length + extra;
    this.pending = '';
    this.checkLength();
    this.cells.push(value);
  }

  private endRecord(lineEnd: number, records: string[][]): void {
    records.push(this.takeRecord());
    this.line++;
    this.recordLine = this.line;
    this.mode = lineEnd === CR ? AFTER_CR : CELL_START;
  }

  private takeRecord(): string[] {
    const record = this.cells;
    this.cells = [];
    this.length = 0;
    this.records++;
    return record;
  }

  private checkLength(): void {
    if (this.length + this.pending.length > this.limits.maxRowLength) throw this.error('ROW_TOO_LONG');
  }

  private error(code: CsvSyntaxCode): CsvSyntaxError {
    return new CsvSyntaxError(code, this.recordLine, this.records);
  }
}
