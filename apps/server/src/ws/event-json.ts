import type { JobEvent, JobStreamEvent, UploadProgress } from '@jobstream/contracts';

/** `JSON.stringify(payload)` for a progress payload as the emitter stores it: the schema's keys, in its order. */
function progressJson(p: UploadProgress): string {
  let json = `{"jobId":${JSON.stringify(p.jobId)},"templateName":${JSON.stringify(p.templateName)},"status":${JSON.stringify(p.status)},"progress":${p.progress},"message":${JSON.stringify(p.message)}`;
  if (p.processed !== undefined) json += `,"processed":${p.processed}`;
  if (p.total !== undefined) json += `,"total":${p.total}`;
  if (p.errors !== undefined) json += `,"errors":${JSON.stringify(p.errors)}`;
  return `${json}}`;
}

/**
 * `JSON.stringify(data)` for a delivered event, byte for byte, writing the common progress event by its known
 * shape instead of walking it. Relies on what the progress layer guarantees: a stored payload passed the
 * emitter's checks (schema keys in schema order, finite numbers), and a delivered event is `{ event, payload }`
 * plus the `snapshot` and `missed` flags in that order.
 */
export function eventJson(data: JobStreamEvent): string {
  if (data.event !== 'upload-progress') return JSON.stringify(data);
  let json = `{"event":"upload-progress","payload":${progressJson(data.payload)}`;
  if (data.snapshot) json += ',"snapshot":true';
  if (data.missed) json += ',"missed":true';
  return `${json}}`;
}

/** `JSON.stringify(data.payload)` for a delivered event, byte for byte, with the same shortcut for progress payloads. */
export function payloadJson(data: JobEvent): string {
  return data.event === 'upload-progress' ? progressJson(data.payload) : JSON.stringify(data.payload);
}
