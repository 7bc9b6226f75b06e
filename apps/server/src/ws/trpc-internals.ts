import type { AnyTRPCRouter, TRPCError } from '@trpc/server';
import type { TRPCResponseMessage } from '@trpc/server/rpc';
import { getErrorShape } from '@trpc/server/unstable-core-do-not-import';
import type { ProcedureType } from './trpc-connection';

/**
 * Everything the WebSocket transport takes from tRPC beyond its public API, in one place:
 * `getErrorShape` (only in `@trpc/server/unstable-core-do-not-import`, which tRPC's own adapters use to word
 * errors through the router's `errorFormatter`) and the router's root config (`router._def._config`: its
 * transformer and error formatter). `test/ws/trpc-internals.test.ts` fails if either changes behaviour.
 */

/** The router's root config, as tRPC's adapters read it. */
export function routerConfig(router: AnyTRPCRouter) {
  return router._def._config;
}

/** The error shape a client receives for `error`, worded by the router's `errorFormatter`. */
export function errorShape(
  router: AnyTRPCRouter,
  error: TRPCError,
  call: { type: ProcedureType | 'unknown'; path: string | undefined; input: unknown; ctx: unknown },
): Extract<TRPCResponseMessage, { error: unknown }>['error'] {
  return getErrorShape({ config: routerConfig(router), error, ...call });
}
