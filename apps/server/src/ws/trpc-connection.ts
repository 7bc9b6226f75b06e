import type { IncomingMessage } from 'node:http';
import { type ApiContext, type AppRouter, ProgressStream } from '@jobstream/api';
import type { JobSubscription, SubscriptionSink } from '@jobstream/progress';
import { callTRPCProcedure, getTRPCErrorFromUnknown, TRPCError, transformTRPCResponse } from '@trpc/server';
import { parseConnectionParamsFromUnknown } from '@trpc/server/http';
import { parseTRPCMessage, type TRPCClientOutgoingMessage, type TRPCResponseMessage } from '@trpc/server/rpc';
import type { WebSocket } from 'ws';
import { dataMessage } from './data-message';
import { NOT_JSON } from './message-rate';
import type { TextFrameWriter } from './text-frames';
import { errorShape, routerConfig } from './trpc-internals';

/** A procedure's kind, as tRPC's messages name it. */
export type ProcedureType = 'query' | 'mutation' | 'subscription';

/** Connection params as the client sends them (`connectionParams: { token }`). */
export type ConnectionParams = Record<string, string | undefined> | null;

/** A procedure's error as the transports report it, with the request it came on when there is one. */
export interface ProcedureError {
  error: TRPCError;
  path: string | undefined;
  req?: IncomingMessage;
}

/** What a connection is built from. */
export interface TrpcConnectionOptions {
  socket: WebSocket;
  /** Where the connection's text messages go: all of them, so they leave in order. */
  writer: TextFrameWriter;
  req: IncomingMessage;
  router: AppRouter;
  /** The connection's context, created once, from its connection params when the client sends them. */
  createContext: (params: ConnectionParams) => Promise<ApiContext>;
  onError?: (error: ProcedureError) => void;
}

type RequestId = number | string;

type Request = Extract<TRPCClientOutgoingMessage, { method: ProcedureType }>;
type ContextResult = { ok: true; ctx: ApiContext } | { ok: false; error: TRPCError };

/** A subscription served on the connection: its slot in the map until it stops. */
interface ActiveSubscription {
  stop(): void;
}

/**
 * tRPC's WebSocket protocol on one socket, served the way `applyWSSHandler` serves it (the differential test sends
 * both the same frames and compares the replies), with one difference inside: a subscription whose procedure
 * returns a `ProgressStream` is not iterated but given a sink that encodes each event once for all its
 * subscribers and writes it to the socket. Every request, the subscription's included, goes through the router's
 * procedure, so its input parsing and middleware run as they do everywhere else.
 */
export class TrpcConnection {
  private ctx: ApiContext | undefined;
  /** The context being created; null until the connection params arrive, when the client said it would send them. */
  private context: Promise<ContextResult> | null;
  private readonly subscriptions = new Map<RequestId, ActiveSubscription>();
  /** Subscription requests not yet registered (their procedure is being called), by id. */
  private readonly pending = new Map<RequestId, number>();
  /** Ids whose stop arrived while their subscription was pending: it is stopped as soon as it starts. */
  private readonly stoppedEarly = new Set<RequestId>();
  private readonly config;

  constructor(private readonly options: TrpcConnectionOptions) {
    this.config = routerConfig(options.router);
    const expectParams = new URL(options.req.url ?? '/', 'http://localhost').searchParams.get('connectionParams');
    this.context = expectParams === '1' ? null : this.createContext(() => null);
  }

  /** Handles one message from the client: `data` as received, `frame` what it parsed to (`NOT_JSON` otherwise). */
  receive(data: Buffer, isBinary: boolean, frame: unknown): void {
    if (!isBinary) {
      if (frame === NOT_JSON) {
        const text = data.toString();
        if (text === 'PING') this.send('PONG');
        if (text === 'PING' || text === 'PONG') return;
      }
    }
    if (this.context === null) {
      this.context = this.createContext(() => {
        if (isBinary || frame === NOT_JSON || !isObject(frame)) {
          throw new TRPCError({ code: 'PARSE_ERROR', message: 'Malformed TRPCConnectionParamsMessage' });
        }
        return parseConnectionParamsFromUnknown(frame.data);
      });
      return;
    }
    let requests: TRPCClientOutgoingMessage[];
    try {
      if (isBinary || frame === NOT_JSON) throw new Error('not a JSON text message');
      const transformer = this.config.transformer;
      requests = (Array.isArray(frame) ? frame : [frame]).map((raw) => parseTRPCMessage(raw, transformer));
    } catch (cause) {
      const error = new TRPCError({ code: 'PARSE_ERROR', cause });
      this.respond({ id: null, error: this.shape(error, 'unknown', undefined, undefined) });
      return;
    }
    for (const [index, request] of requests.entries()) this.handle(request, index);
  }

  /** Tells the client to reconnect (to the next instance), as tRPC's `broadcastReconnectNotification` does. */
  notifyReconnect(): void {
    this.send(JSON.stringify({ id: null, method: 'reconnect' }));
  }

  /** Ends every subscription of a closed socket. */
  closed(): void {
    for (const subscription of [...this.subscriptions.values()]) subscription.stop();
  }

  private handle(request: TRPCClientOutgoingMessage, batchIndex: number): void {
    const { id, jsonrpc } = request;
    if (id === null) {
      const error = new TRPCError({ code: 'PARSE_ERROR', message: '`id` is required' });
      this.reportError(error, undefined);
      this.respond({ id, jsonrpc, error: this.shape(error, 'unknown', undefined, undefined) });
      return;
    }
    if (request.method === 'subscription.stop') {
      const subscription = this.subscriptions.get(id);
      if (subscription) subscription.stop();
      else if (this.pending.has(id)) this.stoppedEarly.add(id);
      return;
    }
    if (request.method !== 'subscription') {
      void this.call(id, request, batchIndex);
      return;
    }
    this.pending.set(id, (this.pending.get(id) ?? 0) + 1);
    void this.call(id, request, batchIndex).finally(() => {
      const left = (this.pending.get(id) ?? 1) - 1;
      if (left > 0) {
        this.pending.set(id, left);
        return;
      }
      this.pending.delete(id);
      this.stoppedEarly.delete(id);
    });
  }

  private async call(id: RequestId, request: Request, batchIndex: number): Promise<void> {
    const { jsonrpc, method: type } = request;
    const { path, lastEventId } = request.params;
    let { input } = request.params;
    if (lastEventId !== undefined) {
      if (isObject(input)) input = { ...input, lastEventId };
      else input ??= { lastEventId };
    }
    try {
      const context = await (this.context as Promise<ContextResult>);
      if (!context.ok) throw context.error;
      const result = await callTRPCProcedure({
        router: this.options.router,
        path,
        getRawInput: async () => input,
        ctx: context.ctx,
        type,
        signal: undefined,
        batchIndex,
      });
      if (type !== 'subscription') {
        this.respond({ id, jsonrpc, result: { type: 'data', data: result } });
        return;
      }
      if (!(result instanceof ProgressStream)) {
        throw new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: `Subscription ${path} is not a ProgressStream` });
      }
      const { socket } = this.options;
      if (socket.readyState !== socket.OPEN) return;
      if (this.subscriptions.has(id)) throw new TRPCError({ code: 'BAD_REQUEST', message: `Duplicate id ${id}` });
      this.subscribe(id, jsonrpc, path, input, result);
    } catch (cause) {
      const error = getTRPCErrorFromUnknown(cause);
      this.reportError(error, path);
      this.respond({ id, jsonrpc, error: this.shape(error, type, path, input) });
    }
  }

  /**
   * Serves a progress subscription: `started`, then each event written straight to the socket, then `stopped`
   * (after the terminal event, a client's stop, or an error, which comes first). The stream's checks run when it
   * opens, after `started`, as they would in tRPC's handler, which starts iterating after registering the id.
   */
  private subscribe(id: RequestId, jsonrpc: '2.0' | undefined, path: string, input: unknown, stream: ProgressStream) {
    const head = `{"id":${JSON.stringify(id)}${jsonrpc === undefined ? '' : ',"jsonrpc":"2.0"'}`;
    const { writer } = this.options;
    const ctx = this.ctx as ApiContext;
    let subscription: JobSubscription | undefined;
    let active = true;
    const stop = () => {
      if (!active) return;
      active = false;
      this.subscriptions.delete(id);
      subscription?.close();
      this.send(`${head},"result":{"type":"stopped"}}`);
    };
    const sink: SubscriptionSink = {
      writable: () => ctx.connection.writable(),
      send: (event) => {
        if (writer.sendFrame(dataMessage(head, event).frame)) ctx.connection.sent?.(event);
      },
      end: stop,
    };
    this.subscriptions.set(id, { stop });
    this.send(`${head},"result":{"type":"started"}}`);
    // tRPC ignores a stop that arrives before its subscription has started, and streams it to the end for a
    // client that has forgotten it; here that stop ends it as soon as it has started.
    if (this.stoppedEarly.delete(id)) {
      stop();
      return;
    }
    stream.open(sink).then(
      (opened) => {
        subscription = opened;
        if (!active) opened.close();
      },
      (cause: unknown) => {
        if (!active) return;
        const error = getTRPCErrorFromUnknown(cause);
        this.reportError(error, path);
        this.respond({ id, jsonrpc, error: this.shape(error, 'subscription', path, input) });
        stop();
      },
    );
  }

  private createContext(params: () => ConnectionParams): Promise<ContextResult> {
    return (async (): Promise<ContextResult> => {
      try {
        this.ctx = await this.options.createContext(params());
        return { ok: true, ctx: this.ctx };
      } catch (cause) {
        const error = getTRPCErrorFromUnknown(cause);
        this.reportError(error, undefined);
        this.respond({ id: null, error: this.shape(error, 'unknown', undefined, undefined) });
        // As tRPC does: a connection whose context cannot be made is closed, after the error has gone out.
        setImmediate(() => this.options.socket.close());
        return { ok: false, error };
      }
    })();
  }

  private shape(error: TRPCError, type: ProcedureType | 'unknown', path: string | undefined, input: unknown) {
    return errorShape(this.options.router, error, { type, path, input, ctx: this.ctx });
  }

  private reportError(error: TRPCError, path: string | undefined): void {
    this.options.onError?.({ error, path, req: this.options.req });
  }

  private respond(message: TRPCResponseMessage): void {
    this.send(JSON.stringify(transformTRPCResponse(this.config, message)));
  }

  private send(text: string): void {
    this.options.writer.sendText(text);
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
