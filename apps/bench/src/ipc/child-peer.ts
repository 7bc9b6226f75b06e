import type { ChildProcess } from 'node:child_process';
import type { Notices } from '../protocol';
import { childChannel, type Methods, RpcPeer } from './rpc';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 3000;

/** A peer for a forked child and a promise of its ready notice; calls fail and the promise rejects if it exits. */
export function connectChild<Remote extends Methods<Remote>, K extends keyof Notices>(options: {
  child: ChildProcess;
  name: string;
  readyNotice: K;
}): { peer: RpcPeer<Remote, Notices>; ready: Promise<Notices[K]> } {
  const { child, name, readyNotice } = options;
  const peer = new RpcPeer<Remote, Notices>(childChannel(child));
  const ready = new Promise<Notices[K]>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${name} did not start in ${START_TIMEOUT_MS} ms`)),
      START_TIMEOUT_MS,
    );
    peer.onNotice(readyNotice, (data) => {
      clearTimeout(timer);
      resolve(data);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      const reason = `${name} exited (${signal ?? code})`;
      peer.failPending(reason);
      reject(new Error(reason));
    });
  });
  return { peer, ready };
}

/** Disconnects a child (which then exits by itself), killing it if it has not exited in time. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    if (child.connected) child.disconnect();
    else child.kill();
  });
}
