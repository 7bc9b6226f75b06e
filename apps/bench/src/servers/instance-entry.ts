import { parentChannel, RpcPeer } from '../ipc/rpc';
import type { ClusterDeployment, InstanceApi, Notices } from '../protocol';
import { startJobstreamInstance } from './jobstream';
import { sampleResources } from './resources';

// Ctrl-C reaches the whole process group: rather than die on the spot, this process closes when the orchestrator
// goes, which it does once it has stopped what it started.
process.on('SIGINT', () => {});

/**
 * A cluster's subscribers' instance: the same server as the emitting one, on the same deployment, serving only the
 * subscribers; the orchestrator samples its CPU and memory.
 */
const deployment = JSON.parse(process.argv[2] ?? '') as ClusterDeployment;
const instance = await startJobstreamInstance(deployment);
const peer = new RpcPeer<Record<string, never>, Notices>(parentChannel());
const api: InstanceApi = { sample: (params) => sampleResources(params) };
peer.serve(api);
process.once('disconnect', () => {
  setTimeout(() => process.exit(0), 1000).unref();
  void instance.close().finally(() => process.exit(0));
});
peer.notify('instanceReady', { url: instance.server.url });
