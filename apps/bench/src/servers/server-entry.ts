import { parentChannel, RpcPeer } from '../ipc/rpc';
import type { Notices } from '../protocol';
import { isServerKind } from '../server-kinds';
import { ServerControl } from './control';
import { startServer } from './start-server';

const kind = process.argv[2] ?? '';
if (!isServerKind(kind)) throw new Error(`unknown server kind "${kind}"`);

const server = await startServer(kind);
const control = new ServerControl(server);
const peer = new RpcPeer<Record<string, never>, Notices>(parentChannel());
peer.serve(control.api());
peer.onNotice('covered', ({ messages }) => control.flow.update(messages));
process.once('disconnect', () => {
  setTimeout(() => process.exit(0), 1000).unref();
  void server.close().finally(() => process.exit(0));
});
peer.notify('ready', { kind, ...server.endpoint });
