import { parentChannel, RpcPeer } from '../ipc/rpc';
import type { ClusterServerParams, Notices } from '../protocol';
import { isServerKind } from '../server-kinds';
import { ServerControl } from './control';
import { startServer } from './start-server';

// Ctrl-C reaches the whole process group: rather than die on the spot, this process closes when the orchestrator
// goes, which it does once it has stopped what it started.
process.on('SIGINT', () => {});

const kind = process.argv[2] ?? '';
if (!isServerKind(kind)) throw new Error(`unknown server kind "${kind}"`);

// A cluster kind's deployment and subscribers' instance come as JSON after the kind.
const cluster = process.argv[3] ? (JSON.parse(process.argv[3]) as ClusterServerParams) : undefined;
const server = await startServer(kind, cluster);
const control = new ServerControl(server);
const peer = new RpcPeer<Record<string, never>, Notices>(parentChannel());
peer.serve(control.api());
peer.onNotice('covered', ({ messages }) => control.flow.update(messages));
process.once('disconnect', () => {
  setTimeout(() => process.exit(0), 1000).unref();
  void server.close().finally(() => process.exit(0));
});
peer.notify('ready', { kind, ...server.endpoint });
