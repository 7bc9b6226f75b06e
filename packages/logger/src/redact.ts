/** What a redacted value is written as. */
export const REDACTED = '[redacted]';

/** Keys whose values are credentials, at any depth: session tokens, cookies, authorization headers, connection params. */
const SECRET_KEY = /token|authorization|cookie|connectionparams|password|secret/i;
/** Keys holding a URL or a path, written without their query string (where a token can travel). */
const URL_KEY = /^(url|path|href|referer|referrer)$/i;
/** Nesting below which values are replaced rather than walked (log fields are shallow; this bounds a cycle). */
const MAX_DEPTH = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function redactValue(key: string, value: unknown, depth: number): unknown {
  if (SECRET_KEY.test(key)) return REDACTED;
  if (typeof value === 'string') return URL_KEY.test(key) ? (value.split('?')[0] as string) : value;
  if (depth >= MAX_DEPTH && (Array.isArray(value) || isPlainObject(value))) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactValue('', item, depth + 1));
  if (isPlainObject(value)) return redactFields(value, depth + 1);
  return value;
}

/**
 * A copy of a log line's fields with credentials replaced by `[redacted]` (by key, at any depth) and URL fields cut
 * before their query string. Plain objects and arrays are walked; anything else (an `Error` under `err`, a number)
 * is kept as is.
 */
export function redactFields(fields: Record<string, unknown>, depth = 0): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(fields)) copy[key] = redactValue(key, fields[key], depth);
  return copy;
}
