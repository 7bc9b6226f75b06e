import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { uploadedFileName } from './file-name';
import { UploadError } from './upload-error';

/** What was received: the file's size and, for a multipart body, the name the client gave it. */
export interface SpooledUpload {
  bytes: number;
  fileName?: string;
}

/** Limits of one upload body. */
export interface SpoolLimits {
  maxBytes: number;
  /** Called with each piece's size before it is written; throws (an `UploadError`) to refuse the upload. */
  charge?: (bytes: number) => void;
}

const RAW_TYPES = new Set(['text/csv', 'application/csv', 'text/plain', 'application/octet-stream']);

function tooLarge(maxBytes: number): UploadError {
  return new UploadError(413, `The file is larger than the limit of ${maxBytes} bytes`);
}

function byteLimit(limits: SpoolLimits, counter: { bytes: number }): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      counter.bytes += chunk.length;
      if (counter.bytes > limits.maxBytes) return callback(tooLarge(limits.maxBytes));
      try {
        limits.charge?.(chunk.length);
      } catch (error) {
        return callback(error as Error);
      }
      callback(null, chunk);
    },
  });
}

/** Writes `source` to a new `file`; settles only once the file is closed, so a failed upload's file can be removed. */
async function writeLimited(source: Readable, file: string, limits: SpoolLimits): Promise<number> {
  const counter = { bytes: 0 };
  const sink = createWriteStream(file, { flags: 'wx' });
  try {
    await pipeline(source, byteLimit(limits, counter), sink);
  } finally {
    if (!sink.closed) await once(sink, 'close');
  }
  return counter.bytes;
}

function fileOfMultipart(req: IncomingMessage, file: string, limits: SpoolLimits): Promise<SpooledUpload> {
  return new Promise((resolve, reject) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({
        headers: req.headers,
        defParamCharset: 'utf8', // browsers send the file name's UTF-8 bytes as they are
        limits: { files: 1, fields: 20, parts: 25, fileSize: limits.maxBytes + 1 },
      });
    } catch {
      return reject(new UploadError(400, 'Malformed multipart body'));
    }
    let writing: Promise<number> | undefined;
    let fileName: string | undefined;
    parser.on('file', (name, stream, info) => {
      stream.on('error', () => {});
      if (name !== 'file' || writing) return stream.resume();
      fileName = uploadedFileName(info.filename);
      writing = writeLimited(stream, file, limits);
      writing.catch(() => {});
    });
    // A refusal waits for the file being written to close, so that removing it afterwards leaves nothing behind.
    const malformed = () => {
      const refuse = () => reject(new UploadError(400, 'Malformed multipart body'));
      if (writing) writing.then(refuse, refuse);
      else refuse();
    };
    parser.on('error', malformed);
    parser.on('close', () => {
      if (!writing) return reject(new UploadError(400, "Missing the 'file' field"));
      writing.then((bytes) => resolve(fileName === undefined ? { bytes } : { bytes, fileName }), reject);
    });
    pipeline(req, parser).catch(malformed);
  });
}

/** Streams a raw CSV or multipart `file` body to `file` (never holding it in memory); returns its size and name. */
export async function spoolUpload(req: IncomingMessage, file: string, limits: SpoolLimits): Promise<SpooledUpload> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  if (declared > limits.maxBytes) throw tooLarge(limits.maxBytes);
  try {
    let spooled: SpooledUpload;
    if (type === 'multipart/form-data') spooled = await fileOfMultipart(req, file, limits);
    else if (RAW_TYPES.has(type)) spooled = { bytes: await writeLimited(req, file, limits) };
    else
      throw new UploadError(415, `Unsupported content type '${type || 'none'}': send text/csv or multipart/form-data`);
    if (spooled.bytes === 0) throw new UploadError(400, 'The file is empty');
    return spooled;
  } catch (error) {
    await rm(file, { force: true });
    if (error instanceof UploadError) throw error;
    throw new UploadError(400, 'The upload was interrupted');
  }
}
