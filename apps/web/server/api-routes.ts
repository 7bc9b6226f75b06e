/** Paths served by the API server rather than Next: tRPC over HTTP, and CSV uploads and downloads. */
const API_PREFIXES = ['/trpc', '/uploads'] as const;

/** The WebSocket endpoint of the API server. */
export const TRPC_WS_PATH = '/trpc';

/** The path of a request URL, without its query. */
export function pathnameOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://localhost').pathname;
}

/** True when an HTTP request for `pathname` goes to the API server. */
export function isApiPath(pathname: string): boolean {
  return API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}
