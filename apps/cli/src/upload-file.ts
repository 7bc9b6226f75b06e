import { once } from 'node:events';
import { constants, createReadStream } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import https from 'node:https';
import { pipeline } from 'node:stream/promises';
import { CliError, ExitCode } from './exit-codes';
import type { ServerAddress } from './server-address';

/** The size of the file at `path`, once it is known to be a readable file; a usage error otherwise. */
export async function readableFileSize(path: string): Promise<number> {
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new CliError(ExitCode.USAGE, `Not a file: ${path}`);
    await access(path, constants.R_OK);
    return info.size;
  } catch (error) {
    if (error instanceof CliError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CliError(ExitCode.USAGE, `No such file: ${path}`);
    throw new CliError(ExitCode.USAGE, `Cannot read ${path} (${code ?? String(error)})`);
  }
}

/** One file to send. */
export interface FileUpload {
  server: ServerAddress;
  token: string;
  template: string;
  path: string;
  size: number;
  /** Aborts the request; no job is created. */
  signal: AbortSignal;
  /** Called as the file is read into the request, with the bytes sent so far. */
  onProgress(sentBytes: number): void;
}

/** Most bytes of an answer to an upload that are read: the answer is a small JSON object. */
const MAX_ANSWER_BYTES = 64 * 1024;

async function readAnswer(response: IncomingMessage): Promise<unknown> {
  let text = '';
  for await (const chunk of response) {
    text += String(chunk);
    if (text.length > MAX_ANSWER_BYTES) break;
  }
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function field(answer: unknown, name: string): string | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const value = (answer as Record<string, unknown>)[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function refused(status: number, answer: unknown): CliError {
  const message = field(answer, 'error') ?? `The server refused the upload (HTTP ${status})`;
  if (status === 400 || status === 413 || status === 415) return new CliError(ExitCode.USAGE, message);
  if (status === 401 || status === 403) return new CliError(ExitCode.UNAVAILABLE, message);
  return new CliError(ExitCode.FAILED, message);
}

/**
 * Streams a file to `POST /uploads?template=<name>` as `text/csv` with its length (never holding it in memory),
 * reporting bytes as they go, and resolves with the id of the job the server created.
 */
export async function uploadFile(upload: FileUpload): Promise<string> {
  const url = new URL(`${upload.server.base}/uploads`);
  url.searchParams.set('template', upload.template);
  const request = (url.protocol === 'https:' ? https : http).request(url, {
    method: 'POST',
    signal: upload.signal,
    headers: {
      authorization: `Bearer ${upload.token}`,
      'content-type': 'text/csv',
      'content-length': upload.size,
    },
  });
  const answered = once(request, 'response') as Promise<[IncomingMessage]>;
  let sent = 0;
  const source = createReadStream(upload.path);
  source.on('data', (chunk) => {
    sent += chunk.length;
    upload.onProgress(sent);
  });
  // A refused upload is answered before the whole body is read and the connection closed, which fails the
  // pipeline; the answer says why, and a failure with no answer rejects `answered` too.
  pipeline(source, request).catch(() => {});
  const [response] = await answered;
  const answer = await readAnswer(response);
  const jobId = field(answer, 'jobId');
  if (response.statusCode === 201 && jobId) return jobId;
  throw refused(response.statusCode ?? 0, answer);
}
