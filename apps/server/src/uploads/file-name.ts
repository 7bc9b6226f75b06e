/** Longest file name kept, in characters (what common file systems allow). */
const MAX_FILE_NAME = 255;
const INVISIBLE = /[\p{Cc}\p{Cf}]/gu;

/** Browsers escape `"`, CR and LF in a multipart file name as `%22`, `%0D`, `%0A` (HTML's multipart encoding). */
const MULTIPART_ESCAPE = /%(22|0d|0a)/gi;

/**
 * The name a client gave its multipart file, kept for display only (never as a path): HTML's escapes undone, its
 * last path segment, without control or format characters (such as bidirectional overrides), trimmed, at most 255
 * characters; undefined when nothing is left.
 */
export function uploadedFileName(raw: string | undefined): string | undefined {
  const unescaped = raw?.replace(MULTIPART_ESCAPE, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  const base = unescaped?.split(/[/\\]/).pop() ?? '';
  const clean = Array.from(base.replace(INVISIBLE, '').trim()).slice(0, MAX_FILE_NAME).join('').trim();
  return clean === '' ? undefined : clean;
}

/** The download name of a job's rejected rows: `<file name without .csv>-errors.csv`, or `<job id>-errors.csv`. */
export function errorsFileName(job: { jobId: string; fileName?: string | undefined }): string {
  const stem = job.fileName?.replace(/\.csv$/i, '') || job.jobId;
  return `${stem}-errors.csv`;
}

function encodeExtValue(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** A `Content-Disposition` for downloading `name`: an ASCII `filename`, and the exact one as `filename*` (RFC 6266) when they differ. */
export function attachmentDisposition(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\%]/g, '_');
  if (ascii === name) return `attachment; filename="${name}"`;
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`;
}
