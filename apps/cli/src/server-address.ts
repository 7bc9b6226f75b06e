import { CliError, ExitCode } from './exit-codes';

/** The API server's address when neither `--url` nor `JOBSTREAM_URL` gives one: the server's own default. */
export const DEFAULT_SERVER_URL = 'http://127.0.0.1:3001';

/** Where each part of the API is. */
export interface ServerAddress {
  /** The base URL as given, without a trailing slash; saved sessions are keyed by it. */
  base: string;
  /** tRPC over HTTP. */
  httpUrl: string;
  /** tRPC over WebSocket. */
  wsUrl: string;
}

/** The addresses of the API at `url` (`http(s)://host:port`, optionally with a path prefix); a usage error otherwise. */
export function serverAddress(url: string): ServerAddress {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new CliError(ExitCode.USAGE, `Invalid server URL '${url}'`, 'Give one like http://127.0.0.1:3001');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new CliError(ExitCode.USAGE, `Invalid server URL '${url}': it must start with http:// or https://`);
  }
  const base = `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
  return { base, httpUrl: `${base}/trpc`, wsUrl: `${base.replace(/^http/, 'ws')}/trpc` };
}
