import { createJobstreamClients, type JobstreamClients } from '@jobstream/react';
import { wsUrlFor } from './ws-url';

let clients: JobstreamClients | undefined;

/** The browser's one WebSocket client and tRPC client, created on first use (after the session exists). */
export function getBrowserClients(): JobstreamClients {
  clients ??= createJobstreamClients({ httpUrl: '/trpc', wsUrl: wsUrlFor(window.location) });
  return clients;
}
