import { createReadStream } from 'node:fs';

const NEWLINE = 0x0a;

/** Data rows a CSV file can hold at most (lines minus the header): the upfront `total`, refined to the exact count at the end. */
export async function estimateDataRows(path: string): Promise<number> {
  let lines = 0;
  let last = NEWLINE;
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    for (let at = chunk.indexOf(NEWLINE); at !== -1; at = chunk.indexOf(NEWLINE, at + 1)) lines++;
    if (chunk.length > 0) last = chunk[chunk.length - 1] as number;
  }
  if (last !== NEWLINE) lines++;
  return Math.max(0, lines - 1);
}
