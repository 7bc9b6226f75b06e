import { randomUUID } from 'node:crypto';

/** What an incoming `X-Request-Id` may look like to be kept: short, and nothing a log reader could misread. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** The header that carries a request's id from the web server to the API server, and back to the client. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A request's id for its log lines: `incoming` (an `X-Request-Id` from a trusted proxy) when it is a plausible id,
 * else a new UUID.
 */
export function requestId(incoming?: string | string[]): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}
