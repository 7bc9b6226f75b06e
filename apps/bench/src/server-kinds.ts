/** The servers compared, in table order; the first two are the anchors. */
export const SERVER_KINDS = [
  'raw-ws',
  'socketio',
  'plain-trpc',
  'jobstream',
  'jobstream-socketio',
  'jobstream-cluster',
] as const;
export type ServerKind = (typeof SERVER_KINDS)[number];

/** The anchors that every row is compared with. */
export const ANCHORS = ['raw-ws', 'socketio'] as const satisfies readonly ServerKind[];

/** How a load-generator client speaks to a server. */
export type ClientProtocol = 'raw-ws' | 'socketio' | 'trpc';

/** The wire protocol of each server. */
export const PROTOCOL_OF: Record<ServerKind, ClientProtocol> = {
  'raw-ws': 'raw-ws',
  socketio: 'socketio',
  'plain-trpc': 'trpc',
  jobstream: 'trpc',
  'jobstream-socketio': 'socketio',
  'jobstream-cluster': 'trpc',
};

/** Printed names. */
export const LABEL_OF: Record<ServerKind, string> = {
  'raw-ws': 'raw ws',
  socketio: 'Socket.IO 4.8',
  'plain-trpc': 'plain tRPC 11',
  jobstream: 'jobstream',
  'jobstream-socketio': 'jobstream Socket.IO compat',
  'jobstream-cluster': 'jobstream cluster',
};

/**
 * The servers that run as two instances on one redis-server and one PostgreSQL the bench starts: events emitted on
 * one instance, subscribers connected to the other, so every delivered event crosses Redis.
 */
export const CLUSTER_KINDS: readonly ServerKind[] = ['jobstream-cluster'];

/** True for a server that needs the bench's Redis and PostgreSQL. */
export function isClusterKind(kind: ServerKind): boolean {
  return CLUSTER_KINDS.includes(kind);
}

/** True for a valid server kind name. */
export function isServerKind(name: string): name is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(name);
}
