/** The servers compared, in table order; the first two are the anchors. */
export const SERVER_KINDS = ['raw-ws', 'socketio', 'plain-trpc', 'jobstream', 'jobstream-socketio'] as const;
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
};

/** Printed names. */
export const LABEL_OF: Record<ServerKind, string> = {
  'raw-ws': 'raw ws',
  socketio: 'Socket.IO 4.8',
  'plain-trpc': 'plain tRPC 11',
  jobstream: 'jobstream',
  'jobstream-socketio': 'jobstream Socket.IO compat',
};

/** True for a valid server kind name. */
export function isServerKind(name: string): name is ServerKind {
  return (SERVER_KINDS as readonly string[]).includes(name);
}
