import { createAppRouter, middleware, publicProcedure } from '@jobstream/api';
import { waitFor } from '@jobstream/testing';
import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import { follow, resultOf, startJob, startTestServer } from './fixtures';
import { connectTo, TRANSPORTS } from './wire-client';

describe('middleware on the API’s procedures', () => {
  it.each(TRANSPORTS)('runs for upload.onProgress subscribers over %s, and can refuse them', async (transport) => {
    const calls: string[] = [];
    let refuse = false;
    const audit = middleware(async ({ type, path, next }) => {
      calls.push(`${type} ${path}`);
      if (refuse && type === 'subscription') throw new TRPCError({ code: 'FORBIDDEN', message: 'Not today' });
      return next();
    });
    await using server = await startTestServer({}, { router: createAppRouter(publicProcedure.use(audit)) });
    await using client = await connectTo(server, transport);
    const jobId = await startJob(server, client.token);
    server.hub.emitter.emitCompletion(jobId, resultOf(jobId));

    const got = follow(client, jobId);
    await waitFor(() => expect(got.done).toBe(true));
    expect(got.data).toMatchObject([{ event: 'upload-completed', snapshot: true }]);
    expect(calls).toEqual(['subscription upload.onProgress']);

    refuse = true;
    const refused = follow(client, jobId);
    await waitFor(() => expect(refused.errors).toHaveLength(1));
    expect(refused.errors[0]).toMatchObject({ message: 'Not today', data: { code: 'FORBIDDEN' } });
    expect(refused.data).toEqual([]);
    expect(calls).toEqual(['subscription upload.onProgress', 'subscription upload.onProgress']);
    expect(server.hub.metrics().subscriptionsActive).toBe(0);
  });
});
