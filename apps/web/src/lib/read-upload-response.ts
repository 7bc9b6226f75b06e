/** What a finished upload request came to: the new job's id, or why it was refused. */
export type UploadOutcome = { ok: true; jobId: string } | { ok: false; status: number; error: string };

const FALLBACK: Record<number, string> = {
  400: 'The file could not be read as CSV.',
  401: 'Your session has expired. Reload the page and try again.',
  413: 'The file is too large.',
  415: 'Only CSV files can be imported.',
  429: 'Too many imports are running. Wait for one to finish and try again.',
  502: 'jobstream is not answering right now. Try again in a moment.',
  503: 'jobstream is not answering right now. Try again in a moment.',
};

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch {
    return undefined;
  }
}

function field(value: unknown, name: string): string | undefined {
  if (typeof value !== 'object' || value === null || !(name in value)) return undefined;
  const found = (value as Record<string, unknown>)[name];
  return typeof found === 'string' && found !== '' ? found : undefined;
}

/** Reads the answer of `POST /uploads`: 201 with `{ jobId }`, or an error status with `{ error }`. */
export function readUploadResponse(status: number, body: string): UploadOutcome {
  const json = parseJson(body);
  const jobId = field(json, 'jobId');
  if (status >= 200 && status < 300 && jobId) return { ok: true, jobId };
  const error = field(json, 'error') ?? FALLBACK[status] ?? `The upload failed (HTTP ${status}).`;
  return { ok: false, status, error };
}
