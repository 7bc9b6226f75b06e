import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JobId } from '@jobstream/contracts';
import { RejectedFileError, TooManyImportsError } from '@jobstream/importer';
import type { Config } from '../config';
import { rejectRequest, sendJson } from '../http/respond';
import type { ServerServices } from '../services';
import { errorsCsv } from './errors-csv';
import { attachmentDisposition, errorsFileName } from './file-name';
import { spoolFile } from './spool-dir';
import { spoolUpload } from './spool-upload';
import { UploadError } from './upload-error';

const ERRORS_PATH = /^\/uploads\/([^/]+)\/errors\.csv$/;

/**
 * `POST /uploads?template=<name>`: spools the body, starts the import, answers `201 { jobId }` before it finishes;
 * a blank file or a row over `MAX_COLUMNS` is refused with 400 before any job exists.
 */
export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  services: ServerServices,
  config: Config,
): Promise<void> {
  try {
    const caller = await services.identify(req);
    if (!caller.sessionId) throw new UploadError(401, 'No session: call session.create first');
    const name = new URL(req.url ?? '/', 'http://localhost').searchParams.get('template') ?? '';
    const template = services.templates.get(name);
    if (!template) throw new UploadError(400, `Unknown template '${name.slice(0, 100)}'`);
    try {
      services.imports.assertCanStart(caller.sessionId);
    } catch (error) {
      if (error instanceof TooManyImportsError) throw new UploadError(429, error.message);
      throw error;
    }
    const jobId = randomUUID();
    await mkdir(services.spoolDir, { recursive: true });
    const file = spoolFile(services.spoolDir, jobId);
    const { bytes, fileName } = await spoolUpload(req, file, { maxBytes: config.MAX_UPLOAD_BYTES });
    try {
      await services.imports.start({ jobId, owner: caller.sessionId, template, file, fileName, fileBytes: bytes });
    } catch (error) {
      await rm(file, { force: true });
      if (error instanceof RejectedFileError) throw new UploadError(400, error.message);
      throw error;
    }
    sendJson(res, 201, { jobId });
  } catch (error) {
    if (error instanceof UploadError) return rejectRequest(req, res, error.status, error.message);
    if (error instanceof TooManyImportsError) return rejectRequest(req, res, 429, error.message);
    throw error;
  }
}

/** True for `GET /uploads/<jobId>/errors.csv`. */
export function isErrorsDownload(path: string): boolean {
  return ERRORS_PATH.test(path);
}

/** `GET /uploads/<jobId>/errors.csv`: the caller's rejected rows with their reasons, safe to open in a spreadsheet. */
export async function handleErrorsDownload(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  services: ServerServices,
): Promise<void> {
  const jobId = JobId.safeParse(ERRORS_PATH.exec(path)?.[1]);
  const job = jobId.success ? services.jobs.get(jobId.data) : undefined;
  const caller = await services.identify(req);
  if (!job || !(await services.authorize(caller, job))) return sendJson(res, 404, { error: 'Not found' });
  const template = services.templates.get(job.templateName);
  const headers = template?.headers ?? [];
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': attachmentDisposition(errorsFileName(job)),
  });
  await pipeline(Readable.from(errorsCsv(headers, services.jobs.rowErrors(job.jobId))), res);
}
