import type { ChildProcess } from 'node:child_process';

/** A set of remote methods, each taking one params object. */
export type Methods<T> = { [K in keyof T]: (params: never) => unknown };

type ParamsOf<F> = F extends (params: infer P) => unknown ? P : never;
type ResultOf<F> = F extends (params: never) => infer R ? Awaited<R> : never;

/** What travels over a process's IPC channel. */
export type RpcMessage =
  | { kind: 'call'; id: number; method: string; params: unknown }
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  | { kind: 'reply'; id: number; ok: false; error: string }
  | { kind: 'notice'; name: string; data: unknown };

/** Both ends of an IPC channel: a child seen from its parent, or the parent seen from a child. */
export interface Channel {
  post(message: RpcMessage): void;
  listen(handler: (message: RpcMessage) => void): void;
}

/** The channel to a forked child. */
export function childChannel(child: ChildProcess): Channel {
  return {
    post: (message) => {
      if (child.connected) child.send(message);
    },
    listen: (handler) => child.on('message', (message) => handler(message as RpcMessage)),
  };
}

/** The channel to this process's parent; throws when the process was not forked with IPC. */
export function parentChannel(): Channel {
  const send = process.send?.bind(process);
  if (!send) throw new Error('not started with an IPC channel');
  return {
    post: (message) => {
      if (process.connected) send(message);
    },
    listen: (handler) => process.on('message', (message) => handler(message as RpcMessage)),
  };
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/**
 * Request/response and one-way notices over a channel. `Remote` are the methods the other end serves,
 * `Notices` the notice names and their data (both directions).
 */
export class RpcPeer<Remote extends Methods<Remote>, Notices extends object> {
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private readonly noticeHandlers = new Map<string, (data: unknown) => void>();
  private handlers: Record<string, (params: never) => unknown> = {};

  constructor(private readonly channel: Channel) {
    channel.listen((message) => this.receive(message));
  }

  /** Answers the other end's calls with `handlers`. */
  serve<Local extends Methods<Local>>(handlers: Local): void {
    this.handlers = handlers as Record<string, (params: never) => unknown>;
  }

  /** Calls a remote method and resolves with its result. */
  call<K extends keyof Remote & string>(method: K, params: ParamsOf<Remote[K]>): Promise<ResultOf<Remote[K]>> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: (value) => resolve(value as ResultOf<Remote[K]>), reject });
      this.channel.post({ kind: 'call', id, method, params });
    });
  }

  /** Sends a notice; nothing comes back. */
  notify<K extends keyof Notices & string>(name: K, data: Notices[K]): void {
    this.channel.post({ kind: 'notice', name, data });
  }

  /** Handles every notice named `name` (one handler per name). */
  onNotice<K extends keyof Notices & string>(name: K, handler: (data: Notices[K]) => void): void {
    this.noticeHandlers.set(name, (data) => handler(data as Notices[K]));
  }

  /** Rejects every call still waiting, e.g. when the other process died. */
  failPending(reason: string): void {
    for (const { reject } of this.pending.values()) reject(new Error(reason));
    this.pending.clear();
  }

  private receive(message: RpcMessage): void {
    if (message.kind === 'notice') {
      this.noticeHandlers.get(message.name)?.(message.data);
    } else if (message.kind === 'reply') {
      const pending = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.ok) pending?.resolve(message.value);
      else pending?.reject(new Error(message.error));
    } else {
      void this.answer(message.id, message.method, message.params);
    }
  }

  private async answer(id: number, method: string, params: unknown): Promise<void> {
    const handler = this.handlers[method];
    try {
      if (!handler) throw new Error(`unknown method ${method}`);
      const value = await handler(params as never);
      this.channel.post({ kind: 'reply', id, ok: true, value });
    } catch (error) {
      this.channel.post({
        kind: 'reply',
        id,
        ok: false,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
}
