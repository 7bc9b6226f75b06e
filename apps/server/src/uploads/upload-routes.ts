import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { JobId } from '@jobstream/contracts';
import { RejectedFileError, TooManyImportsError } from '@jobstream/importer';
import type { Config } from '../config';
import { rejectRequest, sendJson } from '../http/respond';
import type { ServerMetrics } from '../metrics/server-metrics';
import type { ServerServices } from '../services';
import { errorsCsv } from './errors-csv';
import { attachmentDisposition, errorsFileName } from './file-name';
import { spoolFile } from './spool-dir';
import { spoolUpload } from './spool-upload';
import type { AdmittedUpload, UploadAdmission } from './upload-admission';
import { UploadError } from './upload-error';

const ERRORS_PATH = /^\/uploads\/([^/]+)\/errors\.csv$/;

/** What the upload route needs beside the request. */
export interface UploadRouteContext {
  services: ServerServices;
  config: Config;
  admission: UploadAdmission;
  /** Where each import's duration and rate are recorded when it ends. */
  metrics: ServerMetrics;
  /** The client address the upload counts against. */
  address: string;
}

/**
 * `POST /uploads?template=<name>`: spools the body, starts the import, answers `201 { jobId }` before it finishes;
 * a blank file or one that is not UTF-8 text is refused with 400 before any job exists. From its first byte to
 * the end of its import an upload holds one of its session's import slots (429 past `MAX_RUNNING_IMPORTS`),
 * while its body arrives one of its address's upload slots (429 past `MAX_UPLOADS_PER_ADDRESS`), and its bytes
 * count against the spool (507 past `MAX_SPOOL_BYTES`).
 */
export async function handleUpload(
  req: IncomingMessage,
  res: ServerResponse,
  context: UploadRouteContext,
): Promise<void> {
  const { services, config } = context;
  try {
    const caller = await services.identify(req);
    if (!caller.sessionId) throw new UploadError(401, 'No session: call session.create first');
    const name = new URL(req.url ?? '/', 'http://localhost').searchParams.get('template') ?? '';
    const template = services.templates.get(name);
    if (!template) throw new UploadError(400, `Unknown template '${name.slice(0, 100)}'`);
    const slot = await services.imports.reserve(caller.sessionId);
    let admitted: AdmittedUpload;
    try {
      admitted = context.admission.admit(context.address);
    } catch (error) {
      slot.release();
      throw error;
    }
    const jobId = randomUUID();
    const file = spoolFile(services.spoolDir, jobId);
    /** When the file was spooled and its import began (scanned, recorded, then run in the background). */
    let startedAt: number;
    try {
      await mkdir(services.spoolDir, { recursive: true });
      const spooled = await spoolUpload(req, file, { maxBytes: config.MAX_UPLOAD_BYTES, charge: admitted.charge });
      admitted.received();
      startedAt = performance.now();
      const { bytes: fileBytes, fileName } = spooled;
      await services.imports.start({ jobId, owner: caller.sessionId, template, file, slot, fileName, fileBytes });
    } catch (error) {
      slot.release();
      admitted.release();
      await rm(file, { force: true });
      if (error instanceof RejectedFileError) throw new UploadError(400, error.message);
      throw error;
    }
    void services.imports.settled(jobId).then(() => {
      admitted.release();
      return recordImport(context, jobId, (performance.now() - startedAt) / 1000);
    });
    sendJson(res, 201, { jobId });
  } catch (error) {
    if (error instanceof UploadError) return rejectRequest(req, res, error.status, error.message);
    if (error instanceof TooManyImportsError) return rejectRequest(req, res, 429, error.message);
    throw error;
  }
}

/** Records an ended import's duration and rows per second, as its job was stored (when the store can still say). */
async function recordImport({ services, metrics }: UploadRouteContext, jobId: string, seconds: number): Promise<void> {
  const job = await services.jobs.get(jobId).catch(() => undefined);
  if (job) metrics.recordImport(job.status === 'completed' ? 'completed' : 'failed', seconds, job.processed);
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
  const job = jobId.success ? await services.jobs.get(jobId.data) : undefined;
  const caller = await services.identify(req);
  // The same awaits whether or not the job exists, as in `authorizedJob`.
  const allowed = await (job ? services.authorize(caller, job) : false);
  if (!job || !allowed) return sendJson(res, 404, { error: 'Not found' });
  const template = services.templates.get(job.templateName);
  const headers = template?.headers ?? [];
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': attachmentDisposition(errorsFileName(job)),
  });
  try {
    await pipeline(Readable.from(errorsCsv(headers, services.jobs.rowErrors(job.jobId))), res);
  } catch (error) {
    // The client went away before the end: nothing failed here.
    if ((error as { code?: unknown }).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
  }
}
