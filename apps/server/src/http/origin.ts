import type { IncomingMessage, ServerResponse } from 'node:http';

/** True when a request may proceed: no Origin (not a browser), or an allowed one (`*` allows all). */
export function originAllowed(origin: string | undefined, allowed: readonly string[]): boolean {
  return origin === undefined || allowed.includes('*') || allowed.includes(origin);
}

/** Adds CORS headers for an allowed browser origin; answers preflights. Returns true when the response is done. */
export function applyCors(req: IncomingMessage, res: ServerResponse): boolean {
  const origin = req.headers.origin;
  if (origin) {
    res.setHeader('Access-Control-Allow-Origin', origin);
    res.setHeader('Access-Control-Allow-Credentials', 'true');
    res.setHeader('Vary', 'Origin');
  }
  if (req.method !== 'OPTIONS') return false;
  res.writeHead(204, {
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'authorization, content-type, trpc-accept, x-trpc-source',
    'Access-Control-Max-Age': '600',
  });
  res.end();
  return true;
}
