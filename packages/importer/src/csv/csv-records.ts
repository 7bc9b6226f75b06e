import { createReadStream } from 'node:fs';
import { CsvParser, type CsvParserLimits } from './csv-parser';

/** Bytes read from the file at a time: at most this much text is parsed before the limits are checked again. */
const READ_BYTES = 64 * 1024;

/**
 * The records of a UTF-8 CSV file, as one array per piece of the file read: one await per 64 KiB of input, not
 * per record. Throws `CsvSyntaxError` at the first record the parser refuses.
 */
export async function* csvRecordBatches(path: string, limits: CsvParserLimits): AsyncGenerator<string[][], void> {
  const parser = new CsvParser(limits);
  const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: READ_BYTES });
  try {
    for await (const text of stream as AsyncIterable<string>) {
      const records = parser.write(text);
      if (records.length > 0) yield records;
    }
    const last = parser.end();
    if (last.length > 0) yield last;
  } finally {
    stream.destroy();
  }
}
