import type { Readable } from 'node:stream';

/** Resolves when the stream has more to read or has ended; rejects with its error. */
function readableOrEnd(stream: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (error?: Error) => {
      stream.off('readable', onReadable);
      stream.off('end', onEnd);
      stream.off('error', done);
      if (error) reject(error);
      else resolve();
    };
    const onReadable = () => done();
    const onEnd = () => done();
    stream.on('readable', onReadable);
    stream.on('end', onEnd);
    stream.on('error', done);
  });
}

/** Every record a readable stream has buffered, as one array per wake-up: one await per chunk of input, not per record. */
export async function* recordBatches<T>(stream: Readable): AsyncGenerator<T[], void> {
  while (true) {
    const batch: T[] = [];
    for (let record = stream.read() as T | null; record !== null; record = stream.read() as T | null)
      batch.push(record);
    if (batch.length > 0) {
      yield batch;
      continue;
    }
    if (stream.readableEnded) return;
    if (stream.errored) throw stream.errored;
    await readableOrEnd(stream);
  }
}
