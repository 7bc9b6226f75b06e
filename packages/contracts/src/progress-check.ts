import { UploadStatus } from './enums';
import type { UploadProgress } from './schemas';

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function isCount(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) >= 0;
}

function isStringArray(value: unknown): value is string[] {
  if (!Array.isArray(value)) return false;
  for (const item of value) if (typeof item !== 'string') return false;
  return true;
}

/**
 * The emitter's fast path for `UploadProgressSchema`: a copy of `value` with only the schema's keys when it is a
 * payload the schema accepts for the job `knownJobId` (a UUID the caller has already validated), else undefined,
 * and the schema decides (and words the error). Never accepts what the schema rejects.
 */
export function checkUploadProgress(value: unknown, knownJobId: string): UploadProgress | undefined {
  if (!isPlainObject(value)) return undefined;
  const { jobId, templateName, status, progress, message, processed, total, errors } = value;
  if (jobId !== knownJobId) return undefined;
  if (typeof templateName !== 'string' || templateName.length === 0) return undefined;
  if (status !== UploadStatus.STARTED && status !== UploadStatus.PROCESSING) return undefined;
  if (typeof progress !== 'number' || !(progress >= 0 && progress <= 100)) return undefined;
  if (typeof message !== 'string') return undefined;
  if (processed !== undefined && !isCount(processed)) return undefined;
  if (total !== undefined && !isCount(total)) return undefined;
  if (errors !== undefined && !isStringArray(errors)) return undefined;
  // Whole literals, not added keys: an object given keys after its literal keeps them in a separate array,
  // one more object per stored event for the collector to copy.
  const checked: UploadProgress =
    processed === undefined
      ? total === undefined
        ? { jobId, templateName, status, progress, message }
        : { jobId, templateName, status, progress, message, total }
      : total === undefined
        ? { jobId, templateName, status, progress, message, processed }
        : { jobId, templateName, status, progress, message, processed, total };
  if (errors !== undefined) checked.errors = errors.slice();
  return checked;
}
