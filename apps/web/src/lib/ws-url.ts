/** The same-origin WebSocket URL of tRPC for a page at `location`: ws(s)://host/trpc. */
export function wsUrlFor(location: Pick<Location, 'protocol' | 'host'>): string {
  return `${location.protocol === 'https:' ? 'wss:' : 'ws:'}//${location.host}/trpc`;
}
