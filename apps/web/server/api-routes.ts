/**
 * Paths served by the API server rather than Next: tRPC over HTTP, CSV uploads and downloads, and the old upload
 * gateway's Socket.IO protocol (long-polling).
 */
const API_PREFIXES = ['/trpc', '/uploads', '/socket.io'] as const;

/** The WebSocket endpoints of the API server: tRPC, and Socket.IO's (the compatibility path). */
const API_WS_PATHS: readonly string[] = ['/trpc', '/socket.io/'];

/** The path of a request URL, without its query. */
export function pathnameOf(url: string | undefined): string {
  return new URL(url ?? '/', 'http://localhost').pathname;
}

/** True when an HTTP request for `pathname` goes to the API server. */
export function isApiPath(pathname: string): boolean {
  return API_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}

/** True when a WebSocket upgrade for `pathname` goes to the API server; any other goes to Next (its dev reloads). */
export function isApiUpgradePath(pathname: string): boolean {
  return API_WS_PATHS.includes(pathname);
}
