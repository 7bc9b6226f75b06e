const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** True for headers that describe one connection and must not be forwarded by a proxy. */
export function isHopByHop(name: string): boolean {
  return HOP_BY_HOP.has(name.toLowerCase());
}

/** Raw headers (`[name, value, name, value, ...]`) without the hop-by-hop ones, repeated headers such as Set-Cookie kept. */
export function endToEndRawHeaders(raw: readonly string[]): string[] {
  const kept: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as string;
    if (!isHopByHop(name)) kept.push(name, raw[i + 1] as string);
  }
  return kept;
}
