import { appRouter, transformer } from '@jobstream/api';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { errorShape, routerConfig } from '../../src/ws/trpc-internals';

/** What the WebSocket transport relies on from tRPC beyond its public API: a failure here means an upgrade changed it. */
describe('tRPC internals the WebSocket transport uses', () => {
  it('routerConfig: the router’s root config carries the API’s transformer and error formatter', () => {
    const config = routerConfig(appRouter);
    expect(config.transformer.input.deserialize({ json: { jobId: 'x' } })).toEqual({ jobId: 'x' });
    expect(config.transformer.output.serialize({ a: 1 })).toEqual(transformer.output.serialize({ a: 1 }));
    expect(typeof config.errorFormatter).toBe('function');
  });

  it('errorShape: tRPC’s shape for an error, worded by the API’s formatter', () => {
    const call = { type: 'query' as const, path: 'upload.get', input: undefined, ctx: undefined };
    expect(errorShape(appRouter, new TRPCError({ code: 'NOT_FOUND', message: 'No job x' }), call)).toEqual({
      message: 'No job x',
      code: -32004,
      data: { code: 'NOT_FOUND', httpStatus: 404, path: 'upload.get', zodError: null },
    });
    const internal = new TRPCError({ code: 'INTERNAL_SERVER_ERROR', message: 'secret detail' });
    expect(errorShape(appRouter, internal, { ...call, type: 'unknown', path: undefined })).toEqual({
      message: 'Internal server error',
      code: -32603,
      data: { code: 'INTERNAL_SERVER_ERROR', httpStatus: 500, path: undefined, zodError: null },
    });
  });
});
