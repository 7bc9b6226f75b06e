import { randomUUID } from 'node:crypto';

/** What an incoming `X-Request-Id` may look like to be kept: short, and nothing a log reader could misread. */
const REQUEST_ID = /^[\w.:-]{1,64}$/;

/** The header that carries a request's id from the web server to the API server, and back to the client. */
export const REQUEST_ID_HEADER = 'x-request-id';

/**
 * A new UUID in one flat string. `randomUUID` joins its string from 20 pieces, which V8 keeps as a tree of them,
 * about 490 bytes; a request's id lives as long as its connection (a WebSocket's upgrade request), so it is copied
 * into one flat string of about 60 bytes.
 */
function newRequestId(): string {
  return Buffer.from(randomUUID(), 'latin1').toString('latin1');
}

/**
 * A request's id for its log lines: `incoming` (an `X-Request-Id` from a trusted proxy) when it is a plausible id,
 * else a new UUID.
 */
export function requestId(incoming?: string | string[]): string {
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : newRequestId();
}
